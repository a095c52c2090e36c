// KubeClient's two ways to a plain socket: the direct reader for GETs with
// nothing to authenticate, log or time out, and undici for everything else.
// Both must send the same request and report failures in the same words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { KubeClient, readText } from '../../../../plugin/kube/rest/client.ts';
import type { RestConfig } from '../../../../plugin/kube/clientcmd/client-config.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { ConnectError } from '../../../../plugin/errors.ts';
import { startFakeApiServer, type FakeApiServer } from '../../../helpers/fake-apiserver.ts';
import { Capture, testCtx } from '../../../helpers/context.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../../helpers/rejection.ts';

let api: FakeApiServer;
const dir = tempDir('ksock-client-');

function config(server: string): RestConfig {
  const address = resolveServerAddress(server, { baseDir: '/', home: '/', defaultTLS: false });
  return {
    address, tls: { insecure: false }, credentials: {}, impersonate: { groups: [], extra: {} },
    namespace: 'default', namespaceExplicit: false, contextName: '', timeoutMs: 0, disableCompression: false, credentialsDropped: false,
  };
}

/** A client at klog level `v` (6 and up logs requests, which only the undici path does); its retry waits are recorded, not slept. */
function client(v: number, server = api.unixUrl as string): { kube: KubeClient; log: Capture; waits: number[] } {
  const { ctx } = testCtx();
  const log = new Capture();
  const waits: number[] = [];
  return { kube: new KubeClient(ctx, config(server), newKlog(v, log, () => new Date(), 1), async (ms) => void waits.push(ms)), log, waits };
}

/** A fault on the next `times` requests for `path`. */
function cut(path: string, times: number): void {
  api.faults.push({ kind: 'drop', times, match: (r) => r.url.startsWith(path) });
}

const seen = (path: string, since: number) => api.requests.slice(since).filter((r) => r.url.startsWith(path)).length;

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
  api.setLogs('default', 'p', 'c', ['one']);
});

test.after(async () => {
  await api.close();
});

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

for (const v of [0, 6]) {
  test(`json :: -v=${v} sends kubectl's Accept and User-Agent and decodes the answer`, async () => {
    const { kube, log } = client(v);
    const before = api.requests.length;
    const table = await kube.json<{ kind: string; rows: { cells: unknown[] }[] }>({ path: '/api/v1/namespaces/default/pods/p', accept: TABLE });
    await kube.close();
    assert.is(table.kind, 'Table');
    assert.is(table.rows[0]?.cells[0], 'p');
    const sent = api.requests.slice(before);
    assert.is(sent.length, 1);
    assert.is(sent[0]?.headers['accept'], TABLE);
    assert.match(String(sent[0]?.headers['user-agent']), /^kubectl-sock\//);
    assert.is(sent[0]?.headers['host'], 'localhost');
    // The direct reader closes after one answer; undici keeps its connection, and logs at -v=6.
    assert.is(sent[0]?.headers['connection'], v === 0 ? 'close' : 'keep-alive');
    assert.is(log.text().includes('"Response" verb="GET" url="unix://'), v >= 6);
  });
}

test('send :: destroying an endless follow stream ends it at once', async () => {
  const { kube } = client(0);
  const res = await kube.send({ path: '/api/v1/namespaces/default/pods/p/log', query: { follow: 'true' } });
  const first = await new Promise<string>((resolve) => res.body.once('data', (c: Buffer) => resolve(c.toString())));
  assert.is(first, 'one\n');
  const closed = new Promise<void>((resolve) => res.body.once('close', () => resolve()));
  res.body.destroy();
  const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('destroy() did not end the stream')), 5000).unref());
  await Promise.race([closed, stuck]);
  api.appendLogs('default', 'p', 'c', ['two']);
  await kube.close();
});

test('send :: a streamed body is read whole, pieces kept intact', async () => {
  api.setLogs('default', 'p', 'c', Array.from({ length: 20000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`));
  const { kube } = client(0);
  const res = await kube.send({ path: '/api/v1/namespaces/default/pods/p/log' });
  const text = await readText(res.body);
  const lines = text.split('\n');
  assert.is(lines.length, 20001);
  assert.is(lines[19999], `line 19999 ${'x'.repeat(40)}`);
  await kube.close();
});

for (const [name, fault, detail] of [
  ['a peer that does not speak HTTP', { kind: 'garbage', bytes: 'SSH-2.0-OpenSSH_9.2\r\n' }, 'net/http: HTTP/1.x transport connection broken: malformed HTTP response'],
  // client-go retries a GET ten times after EOF: the eleventh is the error.
  ['a peer that hangs up before answering', { kind: 'drop', times: 11 }, 'EOF'],
] as const) {
  for (const v of [0, 6]) {
    test(`send :: -v=${v}: ${name} is kubectl's connection error`, async () => {
      api.faults.push({ ...fault });
      const { kube } = client(v);
      const err = await failureOf(kube.send({ path: '/version' }));
      await kube.close();
      assert.instance(err, ConnectError);
      assert.is((err as ConnectError).detail, detail);
    });
  }
}

for (const v of [0, 6]) {
  test(`send :: -v=${v}: a GET cut twice is retried after 1 s each time, as client-go does`, async () => {
    const { kube, waits, log } = client(v);
    const before = api.requests.length;
    cut('/api/v1/namespaces/default/pods/p', 2);
    const pod = await kube.json<{ metadata: { name: string } }>({ path: '/api/v1/namespaces/default/pods/p' });
    await kube.close();
    assert.is(pod.metadata.name, 'p');
    assert.is(seen('/api/v1/namespaces/default/pods/p', before), 3);
    assert.equal(waits, [1000, 1000]);
    assert.is(log.text().includes('"Got a Retry-After response" delay="1s" attempt=2'), v >= 4);
  });

  test(`send :: -v=${v}: after an answer, a kept-alive connection found closed is resent at once, as Go's transport does`, async () => {
    const { kube, waits } = client(v);
    await kube.json({ path: '/version' });
    const before = api.requests.length;
    cut('/api/v1/namespaces/default/pods/p', 1);
    await kube.json({ path: '/api/v1/namespaces/default/pods/p' });
    assert.is(seen('/api/v1/namespaces/default/pods/p', before), 2);
    assert.equal(waits, []);
    // Once only: the next cut is client-go's to retry, after its wait.
    cut('/api/v1/namespaces/default/pods/p', 2);
    await kube.json({ path: '/api/v1/namespaces/default/pods/p' });
    await kube.close();
    assert.equal(waits, [1000]);
  });
}

test('send :: a POST is not retried after EOF; a 503 with Retry-After is', async () => {
  const { kube, waits } = client(6);
  const before = api.requests.length;
  cut('/api/v1/namespaces/default/pods', 1);
  const err = await failureOf(kube.send({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: '{}', headers: { 'content-type': 'application/json' } }));
  assert.instance(err, ConnectError);
  assert.is(seen('/api/v1/namespaces/default/pods', before), 1);
  api.faults.push({ kind: 'status', code: 503, body: '', contentType: '', headers: { 'Retry-After': '3' }, times: 1, match: (r) => r.method === 'POST' });
  const res = await kube.send({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: '{}', headers: { 'content-type': 'application/json' } });
  res.body.resume();
  await kube.close();
  // The second POST got the fake's own answer (it creates nothing), not the 503.
  assert.is.not(res.status, 503);
  assert.is(seen('/api/v1/namespaces/default/pods', before), 3);
  assert.equal(waits, [3000]);
});

test('send :: a missing socket is the same error on both paths', async () => {
  for (const v of [0, 6]) {
    const { kube } = client(v, `unix://${join(dir, 'nope.sock')}`);
    const err = await failureOf(kube.send({ path: '/version' }));
    assert.is((err as ConnectError).detail, `dial unix ${join(dir, 'nope.sock')}: connect: no such file or directory`);
  }
});

test.run();
