// `kubectl sock serve` as the built binary, in front of the fake API server (TLS +
// token): sockets handed to their owners, each with its identity; SIGHUP adding,
// removing, changing and keeping sockets; a broken file changing nothing; expiry;
// and every long-lived connection (watch, logs -f, exec, port-forward) cut
// within 1 s of the change that ended its socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { closedWithin, hold, holdAll, type Held } from '../helpers/held-connections.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { NOBODY, STRANGER, runAs, socketsDir, startServe, writeServeConfig, type Serve } from '../helpers/serve.ts';
import { call } from '../unit/relay/relay-harness.ts';

const TOKEN = 'e2e-serve-token';
let api: FakeApiServer;
let admin: string;
let dir: string;
let config: string;
let serve: Serve;
const sock = (name: string) => join(dir, `${name}.sock`);
const entry = (name: string, more: Record<string, unknown> = {}) => ({ path: sock(name), owner: 'nobody', as: name, ...more });

test.before(async () => {
  const work = tempDir('ksock-e2e-serve-');
  const pki = await makePki(join(work, 'pki'));
  api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: TOKEN });
  api.addObject({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] }, status: { phase: 'Running' },
  } as never);
  api.setLogs('default', 'web', 'app', ['line 1']);
  admin = kc().cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath }).user('admin', { token: TOKEN })
    .context('admin', { cluster: 'fake', user: 'admin' }).current('admin').write(join(work, 'admin.kubeconfig'));
  dir = socketsDir();
  config = writeServeConfig(join(dir, 'serve.yaml'), [entry('alice'), entry('bob', { owner: String(NOBODY), asGroups: ['devs', 'ops'], asUid: 'b-1', readOnly: true })]);
  serve = await startServe(admin, config, ['--audit-log', join(dir, 'audit.log')]);
});

test.after(async () => {
  await serve?.stop();
  await api?.close();
});

/** Asserts every held connection closed within `ms` of `since` (performance.now()). */
async function assertCutWithin(held: Held[], since: number, ms = 1000): Promise<void> {
  for (const h of held) assert.ok((await Promise.race([h.closed, Promise.resolve(Infinity)])) >= since, `${h.kind} was open until the change`);
  const closedAt = await Promise.all(held.map((h) => Promise.race([h.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), ms + 2000))])));
  held.forEach((h, i) => assert.ok((closedAt[i] as number) - since <= ms, `${h.kind} closed ${(closedAt[i] as number) - since} ms after the change`));
}

test('serve :: sockets appear handed to their owner, mode 0600, and announced', () => {
  for (const name of ['alice', 'bob']) {
    const st = lstatSync(sock(name));
    assert.ok(st.isSocket());
    assert.is(st.uid, NOBODY);
    assert.is(st.mode & 0o777, 0o600);
  }
  assert.match(serve.output(), `Starting to serve on ${sock('alice')} for nobody as alice\n`);
  assert.match(serve.output(), `Serving 2 sockets from ${config} and ${serve.stateFile}; grants on ${serve.control}\n`);
});

test('serve :: the owner reaches the API through it; another local user is refused by the file mode', async () => {
  const ok = await runAs(NOBODY, ['--server', `unix://${sock('alice')}`, 'get', 'pods', '-o', 'name']);
  assert.is(ok.stdout, 'pod/web\n', ok.stderr);
  const refused = await runAs(STRANGER, ['--server', `unix://${sock('alice')}`, 'get', 'pods']);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /^Unable to connect to the server: dial unix .*alice\.sock: connect: permission denied/);
});

test("serve :: each socket's requests carry its identity and the server's token; a client's own never pass", async () => {
  const from = api.requests.length;
  await call(sock('alice'), 'GET', '/api/v1/namespaces/default/pods/web', { authorization: 'Bearer forged', 'impersonate-user': 'system:admin' });
  await call(sock('bob'), 'GET', '/api/v1/namespaces/default/pods/web', { 'Impersonate-Group': 'system:masters', 'impersonate-extra-scopes': 'x' });
  const [a, b] = api.requests.slice(from);
  assert.is(a?.headers['authorization'], `Bearer ${TOKEN}`);
  assert.is(a?.headers['impersonate-user'], 'alice');
  assert.is(a?.headers['impersonate-group'], undefined);
  assert.is(b?.headers['impersonate-user'], 'bob');
  assert.is(b?.headers['impersonate-group'], 'devs, ops');
  assert.is(b?.headers['impersonate-uid'], 'b-1');
  assert.is(b?.headers['impersonate-extra-scopes'], undefined);
});

test('SIGHUP :: new sockets appear, removed ones are unlinked with every connection cut within 1 s, unchanged ones keep theirs', async () => {
  const doomed = await holdAll(sock('alice'));
  assert.equal(await closedWithin(doomed), [], 'each stays open on its own');
  // bob's socket is read-only: exec and port-forward are refused there, watches and logs are not.
  const kept = await Promise.all([hold(sock('bob'), 'watch'), hold(sock('bob'), 'logs -f')]);
  writeServeConfig(config, [entry('bob', { owner: String(NOBODY), asGroups: ['devs', 'ops'], asUid: 'b-1', readOnly: true }), entry('carol')]);
  const t0 = performance.now();
  const line = await serve.reload();
  await assertCutWithin(doomed, t0);
  assert.is(line, 'Reloaded ' + config + ': 1 added, 1 removed, 0 changed, 1 unchanged');
  assert.match(serve.output(), `Stopped serving on ${sock('alice')}: removed from ${config} (4 connections closed)\n`);
  assert.not.ok(existsSync(sock('alice')));
  assert.ok(lstatSync(sock('carol')).isSocket());
  const stillOpen = await Promise.race([Promise.any(kept.map((h) => h.closed)), new Promise((r) => setTimeout(() => r('open'), 300))]);
  assert.is(stillOpen, 'open', "bob's connections survive a reload that leaves bob unchanged");
  const r = await call(sock('carol'), 'GET', '/api/v1/namespaces/default/pods/web');
  assert.is(r.status, 200);
  for (const h of kept) h.destroy();
});

test('SIGHUP :: a changed socket is made again: its connections are cut, its new identity is used', async () => {
  const held = await holdAll(sock('carol'));
  writeServeConfig(config, [entry('bob', { owner: String(NOBODY), asGroups: ['devs', 'ops'], asUid: 'b-1', readOnly: true }), entry('carol', { as: 'carol-admin' })]);
  const t0 = performance.now();
  assert.is(await serve.reload(), `Reloaded ${config}: 0 added, 0 removed, 1 changed, 1 unchanged`);
  await assertCutWithin(held, t0);
  const from = api.requests.length;
  await call(sock('carol'), 'GET', '/version');
  assert.is(api.requests[from]?.headers['impersonate-user'], 'carol-admin');
});

test('SIGHUP :: a file that does not parse or validate changes nothing; one line names the file, the line and the field', async () => {
  const held = await holdAll(sock('carol'));
  const valid = `apiVersion: sock.kubectl.io/v1alpha1\nkind: ServeConfig\nsockets:\n- path: ${sock('dave')}\n  owner: nobody\n`;
  const cases: Array<[string, string]> = [
    [`${valid}  mode: "0666"\n`, `${config}:6: sockets[0].mode: mode 0666 lets every local user act through the socket; at most 0660`],
    [`${valid}  readonly: true\n`, `${config}:6: sockets[0].readonly: unknown field; known fields: path, owner, group, mode, as, asGroups, asUid, readOnly, expireAfter, expiresAt, acceptPaths, rejectPaths, rejectMethods, maxConnections`],
    [`${valid}  owner: [x\n`, `${config}:6: yaml: `],
    [valid.replace('owner: nobody', 'owner: no-such-user-here'), `${config}:4: sockets[0].owner: unknown user "no-such-user-here"`],
    [`${valid}  expireAfter: soon\n`, `${config}:6: sockets[0].expireAfter: time: invalid duration "soon"`],
  ];
  for (const [text, want] of cases) {
    writeFileSync(config, text);
    const before = serve.output().length;
    const line = await serve.reload();
    await new Promise((r) => setTimeout(r, 50));
    assert.is(serve.output().slice(before), `${line}\n`, 'one line, and nothing else');
    const said = line.split(' failed; still serving the previous configuration: ')[1] ?? '';
    assert.match(line, new RegExp(`^E\\d{4} [\\d:.]+ +\\d+ serve\\.ts\\] reloading ${config} failed`));
    assert.ok(said.startsWith(want), `${said}\nwant ${want}…`);
    assert.not.ok(existsSync(sock('dave')));
    assert.ok(existsSync(sock('carol')) && existsSync(sock('bob')));
  }
  const stillOpen = await Promise.race([Promise.any(held.map((h) => h.closed)), new Promise((r) => setTimeout(() => r('open'), 200))]);
  assert.is(stillOpen, 'open');
  const r = await call(sock('carol'), 'GET', '/version');
  assert.is(r.status, 200);
  for (const h of held) h.destroy();
});

test('expireAfter :: the socket is unlinked and its connections cut within 1 s of its time', async () => {
  writeServeConfig(config, [entry('bob', { owner: String(NOBODY), asGroups: ['devs', 'ops'], asUid: 'b-1', readOnly: true }), entry('carol', { as: 'carol-admin' }), entry('erin', { expireAfter: '2s' })]);
  await serve.reload();
  const started = performance.now();
  const held = await holdAll(sock('erin'));
  await serve.waitFor(new RegExp(`^Stopped serving on ${sock('erin')}: expired`), 1, 5000);
  await assertCutWithin(held, started + 2000 - 1000, 2000);
  assert.not.ok(existsSync(sock('erin')));
  // It stays expired across a reload of the same file.
  assert.is(await serve.reload(), `Reloaded ${config}: 0 added, 0 removed, 0 changed, 2 unchanged`);
  assert.not.ok(existsSync(sock('erin')));
});

test('audit :: one JSON line per request, with socket, owner and identity', async () => {
  await call(sock('bob'), 'DELETE', '/api/v1/namespaces/default/pods/web');
  await new Promise((r) => setTimeout(r, 100));
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const del = lines.filter((l) => l['method'] === 'DELETE').at(-1);
  assert.equal(Object.keys(del ?? {}), ['time', 'socket', 'owner', 'identity', 'method', 'path', 'status', 'bytes', 'duration_ms']);
  assert.equal([del?.['socket'], del?.['owner'], del?.['identity'], del?.['status']], [sock('bob'), String(NOBODY), { username: 'bob', uid: 'b-1', groups: ['devs', 'ops'] }, 403]);
  assert.ok(lines.some((l) => l['socket'] === sock('alice') && l['method'] === 'GET'));
});

test('SIGTERM :: every socket and the control socket are removed; exit 143; nothing left behind', async () => {
  await serve.stop('SIGTERM');
  assert.is(serve.child.exitCode, 143);
  assert.equal(readdirSync(dir).sort(), ['audit.log', 'serve.yaml']);
  assert.not.ok(existsSync(join(serve.dir, 'control')));
});

test.run();
