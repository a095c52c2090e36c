// The fault matrix: one row per (command, fault). Faults match only the
// requests of the command's own resource (discovery is left alone), on the
// listener the program under test uses.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Fault, ListenerKind } from '../../helpers/fake-apiserver.ts';
import { startFakeApiServer } from '../../helpers/fake-apiserver.ts';
import { makePki, type Pki } from '../../helpers/certs.ts';
import { fuzzMode, fuzzSeed, mulberry32 } from '../../helpers/fuzz.ts';
import { requestsSeen, socketGone, type Command, type Row } from './drivers.ts';
import { on, type CaseEnv, type FaultSpec } from './fixture.ts';

const MiB = 1024 * 1024;
const PODS = /\/namespaces\/default\/pods(\?|$)/;
const POD = /\/namespaces\/default\/pods\/web(\?|$)/;
const LOG = /\/pods\/web\/log/;
const WATCH = /\/namespaces\/default\/pods\?.*watch=true/;
const FOLLOW = /\/pods\/web\/log\?.*follow=true/;
/** The requests a command's fault aims at. */
const TARGET: Record<Command, RegExp> = { 'get': PODS, 'get -w': WATCH, 'logs': LOG, 'logs -f': FOLLOW, 'proxy': PODS, 'passthrough': POD };

const HTML = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n';

/** A fault for the command's target requests; `times` keeps it there for retries. */
function at(cmd: Command, fault: FaultSpec, times = 1000): (l: ListenerKind) => Fault[] {
  return (l) => [on(l, TARGET[cmd], { ...fault, times })];
}

// Go net error shapes kubectl prints for these faults.
const EOF_ERR = /^Unable to connect to the server: (EOF|.*connection reset by peer)/;
const MALFORMED = /^Unable to connect to the server: net\/http: HTTP\/1\.x transport connection broken: malformed HTTP /;
const MISSING = /^Unable to connect to the server: dial unix \S+none\.sock: connect: no such file or directory \(is the proxy running\?/;
const STALE = /^Unable to connect to the server: dial unix \S+stale\.sock: connect: connection refused \(nothing is listening/;
const GONE = /^Unable to connect to the server: (EOF|dial unix \S+api\.sock: connect: no such file or directory)/;
const UNTRUSTED = /^Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority/;
const NOT_TLS = /^Unable to connect to the server: tls: first record does not look like a TLS handshake/;
// Go words a body read cut by the client's deadline either way, depending on which of its timers fires first.
const BODY_TIMEOUT = /^(error: )?unexpected error when reading response body\. Please retry\. Original error: (context deadline exceeded|net\/http: request canceled)( \(Client\.Timeout or context cancellation while reading body\))?$/;
const LOG_BODY_TIMEOUT = /^error: (context deadline exceeded|net\/http: request canceled) \(Client\.Timeout or context cancellation while reading body\)$/;
const DEADLINE = /^Unable to connect to the server: (context deadline exceeded|net\/http: request canceled)( \(Client\.Timeout exceeded while awaiting headers\))?$/;
/** Through the proxy or the relay, an upstream failure is kubectl proxy's 500 with Go's error text. */
const upstream500 = (detail: string) => new RegExp(`^Error from server \\(InternalError\\): an error on the server \\("${detail}"\\) has prevented the request from succeeding`);

let pkiPromise: Promise<{ good: Pki; other: Pki }> | undefined;
/** Two unrelated PKIs: the server's certificate is signed by one, the client trusts the other. */
function pkis(env: CaseEnv): Promise<{ good: Pki; other: Pki }> {
  pkiPromise ??= Promise.all([makePki(join(env.dir, 'pki-good')), makePki(join(env.dir, 'pki-other'))]).then(([good, other]) => ({ good, other }));
  return pkiPromise;
}

/** A TLS server whose certificate the client does not trust; closed with the case. */
async function untrustedTls(env: CaseEnv): Promise<{ sock: string; kubectl: string }> {
  const { good, other } = await pkis(env);
  const tls = await startFakeApiServer({ tls: { cert: good.server.cert, key: good.server.key } });
  env.cleanups.push(() => tls.close());
  env.extraArgs.push('--certificate-authority', other.ca.certPath, '--token', 'fault-token');
  return { sock: tls.httpsUrl as string, kubectl: tls.httpsUrl as string };
}

/** Plain HTTP where the client expects TLS. */
function plainToTls(env: CaseEnv): { sock: string; kubectl: string } {
  env.extraArgs.push('--insecure-skip-tls-verify', '--token', 'fault-token');
  return { sock: `https+unix://${env.socketPath}`, kubectl: (env.api.httpUrl as string).replace('http:', 'https:') };
}

/** A TCP port nobody listens on. */
async function closedPort(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** A socket file left behind by a listener that was killed. */
async function staleSocket(env: CaseEnv): Promise<{ sock: string; kubectl: string }> {
  const path = join(env.dir, 'stale.sock');
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  return { sock: `unix://${path}`, kubectl: await closedPort() };
}

const missing = async (env: CaseEnv) => ({ sock: `unix://${join(env.dir, 'none.sock')}`, kubectl: await closedPort() });

/** The socket disappears while the command waits for its answer. */
function goneWhileWaiting(cmd: Command): Pick<Row, 'faults' | 'during'> {
  return {
    faults: at(cmd, { kind: 'slow', delayMs: 60_000 }),
    during: async (env) => {
      await requestsSeen(env, TARGET[cmd], 1);
      await socketGone(env);
    },
  };
}

/** The socket disappears once the stream is running. */
function goneWhileStreaming(cmd: Command): Pick<Row, 'during'> {
  return {
    during: async (env, t) => {
      await requestsSeen(env, TARGET[cmd], 1);
      await t.waitFor(cmd === 'get -w' ? /^web /m : /log line 39/);
      await socketGone(env);
    },
  };
}

function oneShotRows(cmd: 'get' | 'logs' | 'passthrough'): Row[] {
  const viaRelay = cmd === 'passthrough';
  // Through the relay, kubectl's own --request-timeout ends a slow answer before the relay gives up on it.
  return [
    { command: cmd, fault: 'connection refused: socket file missing', server: missing, expect: { error: viaRelay ? upstream500('dial unix \\S+none\\.sock: connect: no such file or directory') : MISSING } },
    { command: cmd, fault: 'connection refused: stale socket file', server: staleSocket, expect: { error: viaRelay ? upstream500('dial unix \\S+stale\\.sock: connect: connection refused') : STALE } },
    { command: cmd, fault: 'reset before the answer', faults: at(cmd, { kind: 'drop', reset: true }), args: ['--request-timeout=5s'], expect: { error: viaRelay ? upstream500('EOF') : EOF_ERR } },
    { command: cmd, fault: 'reset mid-response', faults: at(cmd, { kind: 'drop', afterBytes: 120 }), expect: { oracle: true } },
    { command: cmd, fault: 'response cut mid-line', faults: at(cmd, { kind: 'drop', afterBytes: 333 }), expect: { oracle: true } },
    { command: cmd, fault: 'garbage instead of HTTP', faults: at(cmd, { kind: 'garbage' }), expect: { error: viaRelay ? upstream500('net/http: HTTP/1\\.x transport connection broken: malformed HTTP [^"]*') : MALFORMED } },
    { command: cmd, fault: 'text/html 200', faults: at(cmd, { kind: 'status', code: 200, body: HTML, contentType: 'text/html' }), expect: { oracle: true } },
    { command: cmd, fault: '503 without a Status body', faults: at(cmd, { kind: 'status', code: 503, body: '', contentType: '' }), expect: { oracle: true } },
    { command: cmd, fault: '502 text/html from a gateway', faults: at(cmd, { kind: 'status', code: 502, body: HTML, contentType: 'text/html' }), expect: { oracle: true } },
    { command: cmd, fault: '500 text/plain', faults: at(cmd, { kind: 'status', code: 500, body: 'upstream went away\n' }), expect: { oracle: true } },
    // Which of Go's two timers (the client's, the request context's) fires first is a race, so kubectl's wording varies.
    { command: cmd, fault: 'stalled peer (--request-timeout)', faults: at(cmd, { kind: 'slow', delayMs: 60_000 }), args: ['--request-timeout=2s'], expect: { error: DEADLINE } },
    { command: cmd, fault: 'slow-loris headers (--request-timeout)', faults: at(cmd, { kind: 'trickle', stage: 'headers', intervalMs: 100 }), args: ['--request-timeout=2s'], expect: { error: DEADLINE } },
    { command: cmd, fault: 'slow-loris body (--request-timeout)', faults: at(cmd, { kind: 'trickle', stage: 'body', intervalMs: 100 }), args: ['--request-timeout=2s'], expect: { error: cmd === 'logs' ? LOG_BODY_TIMEOUT : BODY_TIMEOUT } },
    { command: cmd, fault: 'TLS: untrusted certificate', server: untrustedTls, expect: { error: viaRelay ? upstream500('tls: failed to verify certificate: x509: certificate signed by unknown authority') : UNTRUSTED } },
    { command: cmd, fault: 'TLS: plain text to an https client', server: plainToTls, expect: { error: viaRelay ? upstream500('tls: first record does not look like a TLS handshake') : NOT_TLS } },
    { command: cmd, fault: 'socket file disappears during the run', ...goneWhileWaiting(cmd), expect: { error: viaRelay ? upstream500('(EOF|dial unix .*no such file or directory)') : GONE } },
    // kubectl takes over 15 s to decode this one; kubectl sock's output is checked as kubectl prints it for the same list.
    ...(cmd === 'get' ? [{ command: cmd, fault: 'huge JSON body (100 MiB)', faults: at(cmd, { kind: 'huge', bytes: 100 * MiB }, 1), args: ['-o', 'name'], expect: { stdout: 'pod/filler\n' } } satisfies Row] : []),
  ];
}

function streamingRows(cmd: 'get -w' | 'logs -f'): Row[] {
  const cutAt = cmd === 'get -w' ? 150 : 333;
  /** The stream is cut mid-line; then the request that resumes it meets `fault` once. */
  const afterCut = (fault: FaultSpec) => (l: ListenerKind) => [on(l, TARGET[cmd], { kind: 'drop', afterBytes: cutAt }), on(l, TARGET[cmd], fault)];
  return [
    { command: cmd, fault: 'stream cut mid-line, once', faults: at(cmd, { kind: 'drop', afterBytes: cutAt }, 1), expect: { resumed: true } },
    { command: cmd, fault: 'cut, then reset before the answer', faults: afterCut({ kind: 'drop', reset: true }), expect: { resumed: true } },
    { command: cmd, fault: 'cut, then 503 without a Status body', faults: afterCut({ kind: 'status', code: 503, body: '', contentType: '' }), expect: { resumed: true } },
    { command: cmd, fault: 'cut, then garbage instead of HTTP', faults: afterCut({ kind: 'garbage' }), expect: { resumed: true } },
    { command: cmd, fault: 'cut, then a stalled peer', faults: afterCut({ kind: 'slow', delayMs: 1500 }), expect: { resumed: true } },
    // (logs prints any 200 body as the log, as kubectl does: the one-shot logs row compares that with kubectl.)
    ...(cmd === 'get -w' ? [{ command: cmd, fault: 'text/html 200 on the stream', faults: at(cmd, { kind: 'status', code: 200, body: HTML, contentType: 'text/html' }), expect: { error: /^error: no stream serializers registered for text\/html$/ } } satisfies Row] : []),
    { command: cmd, fault: 'socket file disappears during the stream', ...goneWhileStreaming(cmd), expect: { error: GONE } },
  ];
}

function proxyRows(): Row[] {
  const cmd = 'proxy';
  return [
    { command: cmd, fault: 'upstream refused: socket file missing', server: missing, expect: { error: upstream500('dial unix \\S+none\\.sock: connect: no such file or directory') } },
    { command: cmd, fault: 'upstream reset before the answer', faults: at(cmd, { kind: 'drop', reset: true }), expect: { error: upstream500('EOF') } },
    { command: cmd, fault: 'upstream response cut mid-line', faults: at(cmd, { kind: 'drop', afterBytes: 333 }), expect: { oracle: true } },
    { command: cmd, fault: 'upstream garbage instead of HTTP', faults: at(cmd, { kind: 'garbage' }), expect: { error: upstream500('net/http: HTTP/1\\.x transport connection broken: malformed HTTP [^"]*') } },
    { command: cmd, fault: 'upstream text/html 200', faults: at(cmd, { kind: 'status', code: 200, body: HTML, contentType: 'text/html' }), expect: { oracle: true } },
    { command: cmd, fault: 'upstream 503 without a Status body', faults: at(cmd, { kind: 'status', code: 503, body: '', contentType: '' }), expect: { oracle: true } },
    { command: cmd, fault: 'upstream huge JSON body (100 MiB)', faults: (l) => (l === 'unix' ? [on(l, PODS, { kind: 'huge', bytes: 100 * MiB })] : []), args: ['-o', 'name'], expect: { stdout: 'pod/filler\n' } },
    { command: cmd, fault: 'upstream slow-loris body (client --request-timeout)', faults: at(cmd, { kind: 'trickle', stage: 'body', intervalMs: 100 }), args: ['--request-timeout=2s'], expect: { error: BODY_TIMEOUT } },
    { command: cmd, fault: 'upstream TLS: plain text to an https client', server: plainToTls, expect: { error: upstream500('tls: first record does not look like a TLS handshake') } },
    { command: cmd, fault: 'upstream socket file disappears during the run', ...goneWhileWaiting(cmd), expect: { error: upstream500('(EOF|dial unix .*no such file or directory)') } },
  ];
}

/**
 * A misbehaving proxy or middlebox answers a watch with a plain list (issue #18, finding 6): kubectl
 * prints client-go's decoding error as an ERROR event and exits 0 after one request; kubectl sock
 * must do the same and never storm the server, directly, through its proxy and through the relay.
 */
function listInsteadOfWatchRows(): Row[] {
  const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] };
  const faults = (l: ListenerKind) => [on(l, WATCH, { kind: 'status', code: 200, body: list, contentType: 'application/json', times: 1000 })];
  const ceiling = { target: WATCH, perSecond: 2 };
  return [
    { command: 'get -w', fault: 'list instead of watch', faults, expect: { oracle: true }, maxPerSecond: ceiling },
    { command: 'get -w', fault: 'list instead of watch (--request-timeout)', faults, args: ['--request-timeout=2s'], expect: { oracle: true }, maxPerSecond: ceiling },
    { command: 'proxy', fault: 'upstream list instead of watch (get -w through it)', faults, args: ['-w'], expect: { oracle: true }, maxPerSecond: ceiling },
    { command: 'passthrough', fault: 'list instead of watch (get -w through the relay)', argv: ['--', 'get', 'pods', '-w'], faults, expect: { oracle: true }, maxPerSecond: ceiling },
  ];
}

/** Under KSOCK_FUZZ=1: the cut cases again at random points of the answer. */
function fuzzedRows(): Row[] {
  if (!fuzzMode) return [];
  const rnd = mulberry32(fuzzSeed);
  const rows: Row[] = [];
  for (const cmd of ['get', 'logs', 'proxy'] as const) {
    for (let i = 0; i < 8; i++) {
      const cut = 1 + Math.floor(rnd() * 1500);
      rows.push({ command: cmd, fault: `response cut at byte ${cut} (fuzz)`, faults: at(cmd, { kind: 'drop', afterBytes: cut }), expect: { oracle: true } });
    }
  }
  return rows;
}

export function allRows(): Row[] {
  return [...oneShotRows('get'), ...oneShotRows('logs'), ...streamingRows('get -w'), ...streamingRows('logs -f'), ...proxyRows(), ...oneShotRows('passthrough'), ...listInsteadOfWatchRows(), ...fuzzedRows()];
}
