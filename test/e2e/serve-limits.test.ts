// Second security review (issue #18 item 7): one socket's owner must not
// starve the others of `kubectl sock serve`, nor make the server spawn its
// exec credential plugin at will. A real second uid (nobody) opens
// connections to its own socket and never speaks; the server, run out of
// file descriptors quickly with prlimit, must still serve another owner's
// socket. Before each socket had a connection limit, nobody's idle
// connections took every descriptor and the other socket's clients were
// closed on accept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { makePki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { holdIdleAsNobody } from '../helpers/idle-connections.ts';
import { socketsDir, startServe, writeServeConfig, type Serve } from '../helpers/serve.ts';
import { call } from '../unit/relay/relay-harness.ts';

const TOKEN = 'e2e-limits-token';
/** The server's descriptors: far fewer than the attacker opens, more than one socket's default limit (256) needs. */
const NOFILE = 600;
const ATTACK = 800;

let api: FakeApiServer;
let serve: Serve;
let work: string;
let pki: Awaited<ReturnType<typeof makePki>>;
let dir: string;
const sock = (name: string) => join(dir, `${name}.sock`);

test.before(async () => {
  work = tempDir('ksock-e2e-limits-');
  pki = await makePki(join(work, 'pki'));
  api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: TOKEN });
  const admin = kc().cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath }).user('admin', { token: TOKEN })
    .context('admin', { cluster: 'fake', user: 'admin' }).current('admin').write(join(work, 'admin.kubeconfig'));
  dir = socketsDir('ksock-e2e-limits-');
  const config = writeServeConfig(join(dir, 'serve.yaml'), [
    { path: sock('mallory'), owner: 'nobody', as: 'mallory' },
    { path: sock('bob'), owner: 'daemon', as: 'bob' },
  ]);
  serve = await startServe(admin, config, [], tempDir('ksock-e2e-limits-state-'), NOFILE);
});

test.after(async () => {
  await serve?.stop();
  await api?.close();
});

test('serve :: one owner holding idle connections cannot starve another socket of file descriptors', async () => {
  const holder = holdIdleAsNobody(sock('mallory'), ATTACK);
  try {
    const held = await holder.open;
    const bob = await call(sock('bob'), 'GET', '/version').catch((err: Error) => ({ status: 0, body: `${err.message} (nobody holds ${held} connections)` }));
    assert.is(bob.status, 200, bob.body);
    // The default limit of one socket; the rest were closed as they were accepted.
    assert.ok(held <= 256, `nobody still holds ${held} connections`);
    assert.is(api.requests.at(-1)?.headers['impersonate-user'], 'bob');
    await serve.waitFor(new RegExp(`^E\\d{4} [\\d:.]+ +\\d+ serve\\.ts\\] ${sock('mallory')}: 256 connections open, its maxConnections; closing new ones until one ends$`));
  } finally {
    await holder.stop();
  }
  // Once they are gone, the socket serves again.
  for (let i = 0; i < 50; i++) {
    const again = await call(sock('mallory'), 'GET', '/version').catch(() => undefined);
    if (again?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.unreachable('the socket did not serve again once the idle connections were gone');
});

test('serve :: a pod answering 401 through the API server\'s proxy cannot make the server run its exec plugin per request', async () => {
  // An API server whose pod proxy path answers 401, as a pod of mallory's may through pods/proxy.
  const up = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    if ((req.url ?? '').includes('/pods/mine/proxy/')) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('pod says 401\n');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"major":"1","minor":"34"}');
  });
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  const runs = join(work, 'plugin-runs');
  writeFileSync(runs, '');
  const plugin = join(work, 'plugin.sh');
  writeFileSync(plugin, `#!/bin/sh\necho run >> ${runs}\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'\n`, { mode: 0o755 });
  const kubeconfig = kc().cluster('up', { server: `https://127.0.0.1:${(up.address() as { port: number }).port}`, 'certificate-authority': pki.ca.certPath })
    .user('exec', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } })
    .context('c', { cluster: 'up', user: 'exec' }).current('c').write(join(work, 'exec.kubeconfig'));
  const dir2 = socketsDir('ksock-e2e-limits-exec-');
  const s2 = await startServe(kubeconfig, writeServeConfig(join(dir2, 'serve.yaml'), [{ path: join(dir2, 'mallory.sock'), owner: 'nobody', as: 'mallory' }]));
  try {
    const sock2 = join(dir2, 'mallory.sock');
    assert.is((await call(sock2, 'GET', '/version')).status, 200);
    for (let i = 0; i < 30; i++) {
      const r = await call(sock2, 'GET', '/api/v1/namespaces/mallory/pods/mine/proxy/x');
      assert.is(r.status, 401);
    }
    // The first run, and one more after the first 401 (client-go's refresh); kubectl proxy 1.33 runs it 31 times.
    assert.is(readFileSync(runs, 'utf8').split('\n').filter(Boolean).length, 2);
  } finally {
    await s2.stop();
    up.close();
  }
});

test.run();
