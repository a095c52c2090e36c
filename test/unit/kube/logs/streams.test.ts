// The stream engine against the fake API server, over both clients: the shared
// KubeClient (undici) and the direct socket reader.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KubeClient } from '../../../../plugin/kube/rest/client.ts';
import type { RestConfig } from '../../../../plugin/kube/clientcmd/client-config.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { ApiError, ConnectError } from '../../../../plugin/errors.ts';
import { directTarget } from '../../../../plugin/kube/logs/direct-reader.ts';
import { viaDirectReader, viaKubeClient, type LogsClient } from '../../../../plugin/kube/logs/logs-client.ts';
import { runStreams, type EngineOptions } from '../../../../plugin/kube/logs/engine.ts';
import type { LogTarget } from '../../../../plugin/kube/logs/targets.ts';
import { startFakeApiServer, type FakeApiServer } from '../../../helpers/fake-apiserver.ts';
import { generatedLog } from '../../../helpers/fake-apiserver/generated-log.ts';
import { Capture, testCtx } from '../../../helpers/context.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';

let api: FakeApiServer;
let kube: KubeClient;
const dir = tempDir('ksock-logstreams-');
const clients: Record<string, () => LogsClient> = {};

function config(server: string): RestConfig {
  const address = resolveServerAddress(server, { baseDir: '/', home: '/', defaultTLS: false });
  return {
    address, tls: { insecure: false }, credentials: {}, impersonate: { groups: [], extra: {} },
    namespace: 'default', namespaceExplicit: false, contextName: '', timeoutMs: 0, disableCompression: false, credentialsDropped: false,
  };
}

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  const { ctx } = testCtx();
  const direct = directTarget(config(api.unixUrl as string), {}, 0);
  const directTcp = directTarget(config(api.httpUrl as string), {}, 0);
  assert.ok(direct && directTcp);
  // At -v=6 the KubeClient logs its requests, which only its undici path does (plain GETs go direct otherwise).
  const undici = () => new KubeClient(ctx, config(api.unixUrl as string), newKlog(6, new Capture(), () => new Date(), 1));
  kube = undici();
  clients['undici'] = () => viaKubeClient(kube, undici);
  clients['direct unix'] = () => viaDirectReader(direct, new AbortController().signal);
  clients['direct tcp'] = () => viaDirectReader(directTcp, new AbortController().signal);
  for (const [name, containers] of [['p1', ['a', 'b']], ['p2', ['a']]] as const) {
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n', containers: containers.map((c) => ({ name: c, image: 'x' })) }, status: { phase: 'Running' } });
    for (const c of containers) api.setLogs('default', name, c, [`${name} ${c} 1`, `${name} ${c} 2`]);
  }
});

test.after(async () => {
  await kube.close();
  await api.close();
});

const targets: LogTarget[] = [
  { namespace: 'default', pod: 'p1', container: 'a' },
  { namespace: 'default', pod: 'p1', container: 'b' },
  { namespace: 'default', pod: 'p2', container: 'a' },
];

function opts(over: Partial<EngineOptions> = {}, params: Partial<EngineOptions['params']> = {}): EngineOptions {
  return {
    params: { container: '', follow: false, previous: false, timestamps: false, insecureSkipTLSVerifyBackend: false, ...params },
    prefix: false, ignoreErrors: false, maxLogRequests: 5, podRunningTimeoutMs: 5000, ...over,
  };
}

async function streams(client: LogsClient, ts: LogTarget[], o: EngineOptions, signal = new AbortController().signal) {
  const out = new Capture();
  let error: unknown;
  try {
    await runStreams({ client, out, signal, now: () => Date.now() }, ts, o);
  } catch (err) {
    error = err;
  }
  return { text: out.text(), error };
}

for (const name of (process.env['ONLY'] ?? 'undici,direct unix,direct tcp').split(',')) {
  const client = () => (clients[name] as () => LogsClient)();

  test(`${name} :: sequential, in order, prefixed`, async () => {
    const r = await streams(client(), targets, opts({ prefix: true }));
    assert.is(r.error, undefined);
    assert.is(r.text, '[pod/p1/a] p1 a 1\n[pod/p1/a] p1 a 2\n[pod/p1/b] p1 b 1\n[pod/p1/b] p1 b 2\n[pod/p2/a] p2 a 1\n[pod/p2/a] p2 a 2\n');
  });

  test(`${name} :: kubectl's errors: status, --ignore-errors inline, unexpected EOF`, async () => {
    const missing = [...targets, { namespace: 'default', pod: 'gone', container: 'a' }, targets[0] as LogTarget];
    const stop = await streams(client(), missing, opts());
    assert.instance(stop.error, ApiError);
    assert.is((stop.error as ApiError).message, 'pods "gone" not found');
    assert.is(stop.text.split('\n').length, 7, 'the streams before the error were printed');
    const go = await streams(client(), missing, opts({ ignoreErrors: true }));
    assert.is(go.error, undefined);
    assert.match(go.text, /p2 a 2\nerror: pods "gone" not found\np1 a 1\n/);
    api.faults.push({ kind: 'drop', afterBytes: 12, match: (r) => r.url.includes('/p2/log') });
    const cut = await streams(client(), targets, opts());
    assert.is((cut.error as Error).message, 'unexpected EOF');
    assert.ok(cut.text.endsWith('p1 b 2\np2 a 1\np2 a '), JSON.stringify(cut.text));
  });

  test(`${name} :: -f over several streams, then the first error stops them all`, async () => {
    const tooMany = await streams(client(), targets, opts({ maxLogRequests: 2 }, { follow: true }));
    assert.is((tooMany.error as Error).message, 'you are attempting to follow 3 log streams, but maximum allowed concurrency is 2, use --max-log-requests to increase the limit');
    const t0 = Date.now();
    const r = await streams(client(), [...targets, { namespace: 'default', pod: 'gone', container: 'a' }], opts({ prefix: true }, { follow: true }));
    assert.instance(r.error, ApiError);
    assert.ok(Date.now() - t0 < 3000, 'the other follows were cut');
  });

  test(`${name} :: -f resumes after drops, each line once`, async () => {
    const pod = `resume-${name.replace(' ', '-')}`;
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running' } });
    const t0 = Date.UTC(2024, 0, 1);
    const lines = Array.from({ length: 500 }, (_, i) => ({ time: new Date(t0 + Math.floor(i / 120) * 1000), text: `line ${i}` }));
    api.setLogs('default', pod, 'app', lines);
    const mine = (r: { url: string }) => r.url.includes(`/${pod}/log`);
    for (const at of [4_000, 3_333, 1]) api.faults.push({ kind: 'drop', afterBytes: at, match: mine });
    const out = new Capture();
    const done = runStreams({ client: client(), out, signal: new AbortController().signal, now: () => Date.now() }, [{ namespace: 'default', pod, container: 'app' }], opts({}, { follow: true, tailLines: 400 }));
    while (!out.text().includes('line 499\n')) await new Promise((r) => setTimeout(r, 20));
    api.appendLogs('default', pod, 'app', ['appended']);
    while (!out.text().includes('appended\n')) await new Promise((r) => setTimeout(r, 20));
    api.deleteObject('pods', 'default', pod);
    await done;
    assert.is(out.text(), [...lines.slice(100).map((l) => l.text), 'appended'].join('\n') + '\n');
    const urls = api.requests.filter(mine).map((r) => r.url);
    assert.is(urls.length, 4);
    assert.match(urls[0] as string, /tailLines=400&timestamps=true$/);
    for (const u of urls.slice(1)) assert.not.match(u, /tailLines/);
  });

  test(`${name} :: Ctrl-C ends a follow at once`, async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('interrupted')), 200);
    const t0 = Date.now();
    const r = await streams(client(), [targets[0] as LogTarget], opts({}, { follow: true }), abort.signal);
    assert.ok(Date.now() - t0 < 1000);
    assert.is((r.error as Error).message, 'interrupted');
  });
}

test('direct :: a slow stdout holds at most one read buffer; the rest waits in the socket', async () => {
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running' } });
  api.setLogs('default', 'big', 'app', generatedLog(8 << 20));
  let bytes = 0;
  let mostPending = 0;
  const slow = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      setTimeout(cb, 1);
    },
  });
  const watch = setInterval(() => (mostPending = Math.max(mostPending, slow.writableLength)), 1);
  await runStreams({ client: clients['direct unix']?.() as LogsClient, out: slow, signal: new AbortController().signal, now: () => Date.now() }, [{ namespace: 'default', pod: 'big', container: 'app' }], opts());
  clearInterval(watch);
  assert.is(bytes, Math.floor((8 << 20) / 100) * 100);
  assert.ok(mostPending <= 256 * 1024, `pending ${mostPending}`);
});

test('direct :: connection errors in kubectl\'s words', async () => {
  const t = directTarget(config(`unix://${join(dir, 'nothing.sock')}`), {}, 0);
  const err = await viaDirectReader(t as NonNullable<typeof t>, new AbortController().signal).json({ path: '/api/v1/namespaces/default/pods/p1' }).catch((e: unknown) => e);
  assert.instance(err, ConnectError);
  assert.match((err as ConnectError).detail, /^dial unix .*nothing\.sock: connect: no such file or directory$/);
});

test('directTarget :: only where nothing else than the request is sent', () => {
  const plain = config(api.unixUrl as string);
  assert.ok(directTarget(plain, {}, 0));
  assert.is(directTarget(plain, {}, 6), undefined, '-v=6 logs requests');
  assert.is(directTarget({ ...plain, timeoutMs: 1000 }, {}, 0), undefined);
  assert.is(directTarget({ ...plain, impersonate: { user: 'bob', groups: [], extra: {} } }, {}, 0), undefined);
  assert.is(directTarget(config('https://127.0.0.1:6443'), {}, 0), undefined);
  assert.is(directTarget(config('http://example.com:8080'), { HTTP_PROXY: 'http://proxy:3128' }, 0), undefined);
  assert.ok(directTarget(config('http://127.0.0.1:8080'), { HTTP_PROXY: 'http://proxy:3128' }, 0), 'loopback is never proxied');
});

test.run();
