// ServeEngine in-process, in front of a TLS upstream the test controls: apply()
// adds, removes, replaces and keeps sockets; a socket's identity replaces the
// server's own impersonation; a stop cuts streams and upgraded tunnels; one
// socket that cannot be made leaves the others served.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { resolveClientConfig } from '../../../plugin/kube/clientcmd/client-config.ts';
import { newKlog } from '../../../plugin/klog.ts';
import type { AccessRecord } from '../../../plugin/relay/access-log.ts';
import { Upstream } from '../../../plugin/relay/upstream.ts';
import { AuditLog } from '../../../plugin/serve/audit.ts';
import { ServeEngine, type StopCause } from '../../../plugin/serve/engine.ts';
import type { DesiredSocket } from '../../../plugin/serve/served-socket.ts';
import { SERVE_DEFAULT_FILTERS } from '../../../plugin/serve/spec.ts';
import { testCtx } from '../../helpers/context.ts';
import { kc, tempDir } from '../../helpers/kubeconfig-builder.ts';
import { TOKEN, call, openUpgrade, startUpstream, type UpstreamServer } from '../relay/relay-harness.ts';

let up: UpstreamServer;
let engine: ServeEngine;
let upstream: Upstream;
let dir: string;
const events: Array<[string, StopCause | 'started', number]> = [];
const records: AccessRecord[] = [];

test.before(async () => {
  dir = tempDir('ksock-engine-');
  up = await startUpstream(dir);
  up.routes.set('/echo', (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
  up.routes.set('/stream', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first\n');
  });
  up.upgrades.set('/tunnel', (_req: unknown, socket: Duplex) => socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'));
  // The server's own identity impersonates someone: a socket's identity must replace it, not add to it.
  const kubeconfig = kc().cluster('up', { server: `https://127.0.0.1:${up.port}`, 'certificate-authority': up.pki.ca.certPath })
    .user('u', { token: TOKEN, as: 'server-as', 'as-groups': ['server-group'] }).context('c', { cluster: 'up', user: 'u' }).current('c').write(join(dir, 'config'));
  const { ctx } = testCtx({ cwd: dir });
  const klog = newKlog(0, ctx.streams.errOut, () => new Date(), 1);
  upstream = new Upstream(ctx, await resolveClientConfig({ flags: { kubeconfig }, env: {}, home: dir, cwd: dir }), klog);
  const audit = await AuditLog.open('', dir, ctx.streams.errOut, ctx.uid);
  (audit as unknown as { forSocket: AuditLog['forSocket'] }).forSocket = (spec) => ({ write: (r) => void records.push({ ...r, served: { socket: spec.path, owner: spec.owner, identity: { username: spec.as } } }), close: () => Promise.resolve() });
  engine = new ServeEngine(ctx, upstream, klog, audit, {
    started: (s) => void events.push([s.path, 'started', 0]),
    stopped: (s, cause, cut) => void events.push([s.path, cause, cut]),
    expired: () => undefined,
  });
});

test.after(async () => {
  await engine?.close();
  await upstream?.close();
  await up?.close();
});

function want(name: string, more: Partial<DesiredSocket['spec']> = {}, uid = process.getuid?.() ?? 0): DesiredSocket {
  return {
    spec: { path: join(dir, `${name}.sock`), owner: String(uid), mode: 0o600, as: name, asGroups: [], readOnly: false, ...SERVE_DEFAULT_FILTERS, ...more },
    origin: { kind: 'config', file: 'serve.yaml', line: 1, index: 0 },
    uid,
    gid: -1,
  };
}

/** A streamed GET that stays open; resolves once its first chunk arrived, with a promise of its close. */
function openStream(sock: string): Promise<{ closed: Promise<void> }> {
  return new Promise((ok, fail) => {
    const req = request({ socketPath: sock, path: '/stream', headers: { host: 'localhost' }, agent: false }, (res) => {
      res.once('data', () => ok({ closed: new Promise((closed) => req.socket?.once('close', () => closed())) }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('apply :: serves each wanted socket; its identity replaces the server\'s impersonation; the client\'s never passes', async () => {
  const r = await engine.apply([want('a'), want('b', { asGroups: ['g1', 'g2'], asUid: '7' })]);
  assert.equal([r.added, r.removed, r.changed, r.unchanged, r.failed], [[join(dir, 'a.sock'), join(dir, 'b.sock')], [], [], 0, []]);
  const seen = JSON.parse((await call(join(dir, 'b.sock'), 'GET', '/echo', { 'impersonate-user': 'root', authorization: 'Bearer x' })).body) as Record<string, string>;
  assert.equal([seen['authorization'], seen['impersonate-user'], seen['impersonate-group'], seen['impersonate-uid']], [`Bearer ${TOKEN}`, 'b', 'g1, g2', '7']);
  const a = JSON.parse((await call(join(dir, 'a.sock'), 'GET', '/echo')).body) as Record<string, string>;
  assert.equal([a['impersonate-user'], a['impersonate-group']], ['a', undefined]);
  assert.equal(records.filter((x) => x.path === '/echo').map((x) => x.served?.socket), [join(dir, 'b.sock'), join(dir, 'a.sock')]);
});

test('apply :: unchanged sockets keep their open connections; removed ones lose them at once; a changed one is made again', async () => {
  const keptA = await openStream(join(dir, 'a.sock'));
  const cutB = await openStream(join(dir, 'b.sock'));
  const tunnel = await openUpgrade(join(dir, 'b.sock'), 'GET /tunnel HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n');
  assert.match(tunnel.answer, /^HTTP\/1\.1 101 /);
  const tunnelClosed = new Promise<void>((r) => tunnel.socket.once('close', () => r()));
  const t0 = performance.now();
  const r = await engine.apply([want('a'), want('c')]);
  await Promise.all([cutB.closed, tunnelClosed]);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal([r.added, r.removed, r.unchanged], [[join(dir, 'c.sock')], [join(dir, 'b.sock')], 1]);
  assert.ok(events.some(([p, cause, cut]) => p === join(dir, 'b.sock') && cause === 'removed' && cut >= 2));
  assert.not.ok(existsSync(join(dir, 'b.sock')));
  const still = await Promise.race([keptA.closed.then(() => 'closed'), new Promise((res) => setTimeout(() => res('open'), 200))]);
  assert.is(still, 'open');
  const changed = await engine.apply([want('a', { readOnly: true }), want('c')]);
  assert.equal([changed.changed, changed.added, changed.unchanged], [[join(dir, 'a.sock')], [], 1]);
  await keptA.closed;
  assert.is((await call(join(dir, 'a.sock'), 'DELETE', '/echo')).status, 403);
});

test('apply :: a socket that cannot be made is reported; the others are served', async () => {
  writeFileSync(join(dir, 'file'), 'x');
  const r = await engine.apply([want('a', { readOnly: true }), want('c'), { ...want('d'), spec: { ...want('d').spec, path: join(dir, 'file') } }, want('e')]);
  assert.equal(r.failed.map((f) => [f.want.spec.path, f.error.message]), [[join(dir, 'file'), `refusing to replace ${join(dir, 'file')}: it is a regular file, not a socket`]]);
  assert.equal(r.added, [join(dir, 'e.sock')]);
  assert.ok(lstatSync(join(dir, 'e.sock')).isSocket());
  assert.equal([...engine.served.keys()].sort(), [join(dir, 'a.sock'), join(dir, 'c.sock'), join(dir, 'e.sock')]);
});

test('apply :: a new owner is a change (the socket is handed over again)', async () => {
  const r = await engine.apply([want('a', { readOnly: true }), want('c'), { ...want('e', {}, 65534) }]);
  assert.equal(r.changed, [join(dir, 'e.sock')]);
  assert.is(lstatSync(join(dir, 'e.sock')).uid, 65534);
});

test.run();
