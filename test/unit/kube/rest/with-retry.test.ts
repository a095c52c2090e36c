// client-go's retry rules (rest/with_retry.go, rest/request.go): which
// failures and answers are retried, how Retry-After is read, how long each
// wait is, when the retries stop, and the final error's wording.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectError, SockError } from '../../../../plugin/errors.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { checkWait, isRetryableError, MAX_RETRIES, retryAfterSeconds, retrying, WithRetry, type Answer, type RetryLoop } from '../../../../plugin/kube/rest/with-retry.ts';
import { Capture } from '../../../helpers/context.ts';

const eof = () => new ConnectError('other', 'unix:///s.sock', 'EOF');
const reset = () => new ConnectError('other', '127.0.0.1:6443', 'read tcp 127.0.0.1:5->127.0.0.1:6443: read: connection reset by peer');

test('Retry-After: whole seconds as strconv.Atoi reads them, nothing else', () => {
  const ra = (v: string | string[] | undefined) => retryAfterSeconds({ 'retry-after': v });
  assert.is(ra('1'), 1);
  assert.is(ra(' 2 '), 2);
  assert.is(ra('+3'), 3);
  assert.is(ra('-1'), -1);
  assert.is(ra('0'), 0);
  assert.is(ra('007'), 7);
  assert.is(ra(['4', '5']), 4);
  assert.is(ra('9223372036854775807'), 9223372036854775807);
  for (const bad of ['', '1.5', '1s', 'Wed, 21 Oct 2015 07:28:00 GMT', '0x10', '9223372036854775808', '١', '1 2', '+', undefined]) {
    assert.is(ra(bad), undefined, JSON.stringify(bad));
  }
});

test('checkWait: only 429 and 5xx may ask for a wait', () => {
  const h = { 'retry-after': '2' };
  for (const code of [429, 500, 502, 503, 504, 599]) assert.is(checkWait(code, h), 2, String(code));
  for (const code of [200, 201, 301, 400, 401, 404, 409, 418]) assert.is(checkWait(code, h), undefined, String(code));
  assert.is(checkWait(503, {}), undefined);
});

test('retryable errors: Do retries GETs after EOF or a reset; Watch also after a timeout; Stream never', () => {
  const text = (detail: string) => new ConnectError('other', 's', detail);
  for (const e of [eof(), reset(), text('unexpected EOF'), text("http: can't write HTTP request on broken connection"),
    text('http2: server sent GOAWAY and closed the connection; LastStreamID=1'), text('read: use of closed network connection'),
    text('http2: client connection lost')]) {
    assert.ok(isRetryableError('request', 'GET', e), e.detail);
    assert.not.ok(isRetryableError('request', 'POST', e), `POST ${e.detail}`);
    assert.not.ok(isRetryableError('stream', 'GET', e), `stream ${e.detail}`);
  }
  // IsHTTP2ConnectionLost is Do's alone; a watch retries probable EOFs and timeouts.
  assert.not.ok(isRetryableError('watch', 'GET', text('http2: client connection lost')));
  assert.ok(isRetryableError('watch', 'GET', eof()));
  const timeout = new ConnectError('timeout', 's', 'net/http: request canceled (Client.Timeout exceeded while awaiting headers)');
  assert.ok(isRetryableError('watch', 'GET', timeout));
  assert.not.ok(isRetryableError('request', 'GET', timeout));
  for (const e of [new ConnectError('refused', 's', 'dial tcp 127.0.0.1:1: connect: connection refused'),
    new ConnectError('not-http', 's', 'net/http: HTTP/1.x transport connection broken: malformed HTTP response "SSH-2.0"'),
    new ConnectError('tls', 's', 'tls: failed to verify certificate: x509: certificate signed by unknown authority'),
    new SockError('E_BODY', 'unexpected error when reading response body. Please retry. Original error: unexpected EOF')]) {
    assert.not.ok(isRetryableError('request', 'GET', e), e.message);
    assert.not.ok(isRetryableError('watch', 'GET', e), e.message);
  }
});

test('WithRetry: a retryable error waits 1 s; an answer waits its Retry-After; 10 retries at most', () => {
  const r = new WithRetry('request', 'GET', 'unix:///s.sock/api');
  for (let i = 1; i <= MAX_RETRIES; i++) assert.equal(r.next({ error: eof() }, true), { waitSeconds: 1, attempt: i });
  assert.is(r.next({ error: eof() }, true), undefined);
  const answers = new WithRetry('request', 'GET', 'u');
  assert.equal(answers.next({ status: 429, headers: { 'retry-after': '3' } }, true), { waitSeconds: 3, attempt: 1 });
  assert.equal(answers.next({ status: 500, headers: { 'retry-after': '0' } }, true), { waitSeconds: 0, attempt: 2 });
  assert.is(answers.next({ status: 500, headers: {} }, true), undefined);
  assert.is(answers.next({ status: 200, headers: { 'retry-after': '1' } }, true), undefined);
  // A POST's 503 with Retry-After is retried too (only errors are GET-only); a streamed body never is.
  assert.equal(new WithRetry('request', 'POST', 'u').next({ status: 503, headers: { 'retry-after': '1' } }, true), { waitSeconds: 1, attempt: 1 });
  assert.is(new WithRetry('request', 'POST', 'u').next({ status: 503, headers: { 'retry-after': '1' } }, false), undefined);
  assert.equal(new WithRetry('stream', 'GET', 'u').next({ status: 429, headers: { 'retry-after': '1' } }, true), { waitSeconds: 1, attempt: 1 });
  assert.is(new WithRetry('stream', 'GET', 'u').next({ error: eof() }, true), undefined);
});

test('WrapPreviousError: the same error stays itself; a different one names the earlier cause', () => {
  const same = new WithRetry('request', 'GET', 'unix:///s.sock/api/v1/pods');
  same.next({ error: eof() }, true);
  const last = eof();
  same.next({ error: last }, true);
  assert.is(same.wrapPreviousError(last), last);
  const mixed = new WithRetry('request', 'GET', 'http://127.0.0.1:8001/api/v1/pods');
  mixed.next({ error: reset() }, true);
  const end = eof();
  mixed.next({ error: end }, true);
  const wrapped = mixed.wrapPreviousError(end) as SockError;
  assert.is(wrapped.code, 'E_RETRY');
  assert.is(wrapped.message, 'Get "http://127.0.0.1:8001/api/v1/pods": EOF - error from a previous attempt: read tcp 127.0.0.1:5->127.0.0.1:6443: read: connection reset by peer');
  // An answer in between: the last error before it is the previous one.
  const between = new WithRetry('request', 'GET', 'u');
  between.next({ error: eof() }, true);
  between.next({ status: 503, headers: { 'retry-after': '0' } }, true);
  assert.is(between.wrapPreviousError(undefined), undefined);
});

/** A loop around scripted attempts, with recorded waits instead of sleeps. */
function scripted(outcomes: Array<Error | number>, o: Partial<RetryLoop> = {}) {
  const log = new Capture();
  const waits: number[] = [];
  let calls = 0;
  const loop: RetryLoop = {
    kind: 'request', method: 'GET', url: 'unix:///s.sock/api/v1/pods', replayable: true,
    klog: newKlog(4, log, () => new Date(2025, 0, 2, 3, 4, 5), 7), signal: new AbortController().signal,
    sleep: async (ms) => void waits.push(ms), ...o,
  };
  const run = retrying(loop, async () => {
    const next = outcomes[Math.min(calls++, outcomes.length - 1)] as Error | number;
    if (next instanceof Error) throw next;
    let discarded = false;
    const a: Answer & { discarded: () => boolean } = {
      status: next, headers: next === 200 ? {} : { 'retry-after': '2' }, discard: () => void (discarded = true), discarded: () => discarded,
    };
    return a;
  });
  return { run, waits, log, calls: () => calls };
}

test('retrying: cut twice, then answers; the -v=4 lines are client-go\'s', async () => {
  const s = scripted([eof(), eof(), 200]);
  const res = await s.run;
  assert.is(res.status, 200);
  assert.is(s.calls(), 3);
  assert.equal(s.waits, [1000, 1000]);
  const lines = s.log.text().split('\n').filter(Boolean);
  assert.equal(lines, [1, 2].map((n) => `I0102 03:04:05.000000       7 with_retry.ts] "Got a Retry-After response" delay="1s" attempt=${n} url="unix:///s.sock/api/v1/pods"`));
});

test('retrying: eleven cuts are one too many; the last error is thrown as it is', async () => {
  const s = scripted([eof()]);
  const err = await s.run.catch((e: unknown) => e);
  assert.instance(err, ConnectError);
  assert.is((err as ConnectError).detail, 'EOF');
  assert.is(s.calls(), MAX_RETRIES + 1);
});

test('retrying: 429 with Retry-After twice, then 200; the answers retried are discarded', async () => {
  const s = scripted([429, 429, 200]);
  assert.is((await s.run).status, 200);
  assert.equal(s.waits, [2000, 2000]);
  assert.match(s.log.text(), /delay="2s" attempt=2/);
});

test('retrying: a 503 that keeps asking is returned after the tenth retry, for its own error', async () => {
  const s = scripted([503]);
  assert.is((await s.run).status, 503);
  assert.is(s.calls(), MAX_RETRIES + 1);
});

test('retrying: the request deadline ends the waits with client-go\'s error', async () => {
  const deadline = new AbortController();
  const s = scripted([eof()], { deadline: deadline.signal, sleep: async () => deadline.abort() });
  const err = await s.run.catch((e: unknown) => e);
  assert.instance(err, SockError);
  assert.is((err as SockError).message, 'client rate limiter Wait returned an error: context deadline exceeded - error from a previous attempt: EOF');
  assert.is(s.calls(), 1);
});

test('retrying: Ctrl-C during a wait stops at once with its reason', async () => {
  const abort = new AbortController();
  const s = scripted([eof()], { signal: abort.signal, sleep: async () => abort.abort('SIGINT') });
  assert.is(await s.run.catch((e: unknown) => e), 'SIGINT');
  assert.is(s.calls(), 1);
});

test('retrying: a failure that is not retryable ends it at once', async () => {
  const refused = new ConnectError('refused', 's', 'dial unix /s.sock: connect: connection refused');
  const s = scripted([refused]);
  assert.is(await s.run.catch((e: unknown) => e), refused);
  assert.is(s.calls(), 1);
});

test.run();
