// `kubectl sock serve` given bad input at start: one line in kubectl's style,
// exit 1, no stack trace, and nothing served or left behind: no socket (not
// even the ones before the bad one), no control socket or its folder, no
// private `.ks-*` folder, no grants file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { makePki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { sock } from '../helpers/processes.ts';
import { socketsDir, startServe, writeServeConfig } from '../helpers/serve.ts';

let api: FakeApiServer;
let admin: string;
let live: Server;

test.before(async () => {
  const work = tempDir('ksock-e2e-serve-errors-');
  const pki = await makePki(join(work, 'pki'));
  api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: 't' });
  admin = kc().cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath }).user('admin', { token: 't' })
    .context('admin', { cluster: 'fake', user: 'admin' }).current('admin').write(join(work, 'admin.kubeconfig'));
});

test.after(async () => {
  live?.close();
  await api?.close();
});

interface World {
  dir: string;
  state: string;
  config: string;
  args: string[];
}

/** A fresh sockets folder and state folder, a config whose first socket is fine, and serve's arguments. */
function world(sockets: (dir: string) => Array<Record<string, unknown>>): World {
  const dir = socketsDir();
  const state = tempDir('ksock-serve-errors-state-');
  const config = writeServeConfig(join(dir, 'serve.yaml'), [{ path: join(dir, 'first.sock'), owner: 'nobody' }, ...sockets(dir)]);
  return { dir, state, config, args: ['serve', '--kubeconfig', admin, '--config', config, '--control-socket', join(state, 'control', 's.sock'), '--state-file', join(state, 'grants.yaml')] };
}

/** Runs serve (it must end on its own), and checks the one line, the exit code and that nothing was left. */
async function assertRefusedAtStart(w: World, line: string | RegExp, keep: string[] = []): Promise<void> {
  const r = await sock(w.args, { timeoutMs: 20_000 });
  if (typeof line === 'string') assert.is(r.stderr, `${line}\n`);
  else assert.match(r.stderr, line);
  assert.is(r.stderr.split('\n').length, 2, 'one line');
  assert.is(r.stdout.includes('Serving'), false);
  assert.is(r.code, 1);
  assert.equal(readdirSync(w.dir).sort(), ['serve.yaml', ...keep].sort(), 'no socket and no .ks-* folder left behind');
  assert.equal(readdirSync(w.state), [], 'no control folder, no grants file');
}

test('serve :: usage errors: no --config, a stray argument', async () => {
  const r = await sock(['serve']);
  assert.is(r.stderr, "error: required flag(s) \"config\" not set\nSee 'kubectl sock serve --help' for usage.\n");
  assert.is(r.code, 1);
  const extra = await sock(['serve', 'now', '--config', '/x']);
  assert.is(extra.stderr, "error: unknown command \"now\" for \"kubectl sock serve\"\nSee 'kubectl sock serve --help' for usage.\n");
});

test('serve :: a config file that is missing or does not validate', async () => {
  const w = world(() => []);
  w.args[4] = join(w.dir, 'nope.yaml');
  await assertRefusedAtStart(w, `error: cannot read the config file ${join(w.dir, 'nope.yaml')}: no such file or directory`);
  const bad = world((d) => [{ path: join(d, 'b.sock'), owner: 'nobody', mode: '0606' }]);
  await assertRefusedAtStart(bad, `error: ${bad.config}:8: sockets[1].mode: mode 0606 lets every local user act through the socket; at most 0660`);
  const unknown = world((d) => [{ path: join(d, 'b.sock'), owner: 'no-such-user-zz' }]);
  await assertRefusedAtStart(unknown, `error: ${unknown.config}:6: sockets[1].owner: unknown user "no-such-user-zz"`);
  const control = world(() => []);
  writeServeConfig(control.config, [{ path: join(control.state, 'control', 's.sock'), owner: 'nobody' }]);
  await assertRefusedAtStart(control, `error: ${control.config}:4: sockets[0].path: ${join(control.state, 'control', 's.sock')} is the control socket (--control-socket)`);
  const group = world((d) => [{ path: join(d, 'b.sock'), owner: 'nobody', group: 'no-such-group-zz', mode: '0660' }]);
  await assertRefusedAtStart(group, `error: ${group.config}:6: sockets[1].group: unknown group "no-such-group-zz"`);
});

test('serve :: a socket that cannot be made stops the start, and the sockets made before it go', async () => {
  const shared = world((d) => [{ path: join(d, 'shared', 'b.sock'), owner: 'nobody' }]);
  mkdirSync(join(shared.dir, 'shared'));
  chmodSync(join(shared.dir, 'shared'), 0o777);
  await assertRefusedAtStart(shared, /^error: refusing to create a socket in .*\/shared: the folder is writable by other users \(mode 0777\) and has no sticky bit/, ['shared']);
  const file = world((d) => [{ path: join(d, 'taken'), owner: 'nobody' }]);
  writeFileSync(join(file.dir, 'taken'), 'keep me');
  await assertRefusedAtStart(file, `error: refusing to replace ${join(file.dir, 'taken')}: it is a regular file, not a socket`, ['taken']);
  assert.is(readFileSync(join(file.dir, 'taken'), 'utf8'), 'keep me');
  const busy = world((d) => [{ path: join(d, 'busy.sock'), owner: 'nobody' }]);
  live = createServer(() => undefined);
  await new Promise<void>((r) => live.listen(join(busy.dir, 'busy.sock'), r));
  await assertRefusedAtStart(busy, `error: ${join(busy.dir, 'busy.sock')} is in use: another process is listening on it`, ['busy.sock']);
});

test("serve :: a socket's own folder may be its owner's, not another user's; a folder above it may be neither", async () => {
  const own = world((d) => [{ path: join(d, 'nobodys', 'n.sock'), owner: 'nobody' }]);
  mkdirSync(join(own.dir, 'nobodys'), { mode: 0o755 });
  chownSync(join(own.dir, 'nobodys'), 65534, 65534);
  const s = await startServe(admin, own.config, [], own.state);
  assert.is(lstatSync(join(own.dir, 'nobodys', 'n.sock')).uid, 65534);
  await s.stop();
  const theirs = world((d) => [{ path: join(d, 'nobodys', 'd.sock'), owner: 'daemon' }]);
  mkdirSync(join(theirs.dir, 'nobodys'), { mode: 0o755 });
  chownSync(join(theirs.dir, 'nobodys'), 65534, 65534);
  await assertRefusedAtStart(theirs, `error: refusing to create a socket in ${join(theirs.dir, 'nobodys')}: the folder belongs to another user (uid 65534), who could replace the socket; use a folder only root or the server's user can change (or, for its own folder, the socket's owner)`, ['nobodys']);
  const above = world((d) => [{ path: join(d, 'nobodys', 'sub', 'n.sock'), owner: 'nobody' }]);
  mkdirSync(join(above.dir, 'nobodys', 'sub'), { recursive: true, mode: 0o755 });
  chownSync(join(above.dir, 'nobodys'), 65534, 65534);
  chownSync(join(above.dir, 'nobodys', 'sub'), 65534, 65534);
  await assertRefusedAtStart(above, `error: refusing to create a socket in ${join(above.dir, 'nobodys', 'sub')}: the folder ${join(above.dir, 'nobodys')} above it belongs to another user (uid 65534), who could replace the folder; use a folder only root or the server's user can change (or, for its own folder, the socket's owner)`, ['nobodys']);
});

test('serve :: a control socket folder others could enter, or that is not the server user\'s, is refused', async () => {
  const wide = world(() => []);
  mkdirSync(join(wide.state, 'control'), { mode: 0o755 });
  chmodSync(join(wide.state, 'control'), 0o755);
  const r = await sock(wide.args);
  assert.is(r.stderr, `error: refusing the control socket's folder ${join(wide.state, 'control')}: its mode is 0755; it must be a folder only uid 0 may enter (mode 0700), so that only the server's own user can grant and revoke\n`);
  assert.is(r.code, 1);
  assert.equal(readdirSync(wide.dir), ['serve.yaml']);
  const theirs = world(() => []);
  mkdirSync(join(theirs.state, 'control'), { mode: 0o700 });
  const { chownSync } = await import('node:fs');
  chownSync(join(theirs.state, 'control'), 65534, 65534);
  const t = await sock(theirs.args);
  assert.match(t.stderr, /: it is owned by uid 65534; it must be a folder only uid 0 may enter/);
  assert.equal(readdirSync(theirs.dir), ['serve.yaml']);
});

test('serve :: a broken grants file, or a grant on a path the config serves, is refused naming the file and line', async () => {
  const broken = world(() => []);
  writeFileSync(join(broken.state, 'grants.yaml'), 'apiVersion: sock.kubectl.io/v1alpha1\nkind: ServeGrants\nsockets:\n- path: relative.sock\n  owner: nobody\n');
  const r = await sock(broken.args);
  assert.is(r.stderr, `error: ${join(broken.state, 'grants.yaml')}:4: sockets[0].path: want an absolute path, got "relative.sock"\n`);
  assert.equal(readdirSync(broken.dir), ['serve.yaml']);
  const clash = world(() => []);
  writeFileSync(join(clash.state, 'grants.yaml'), `apiVersion: sock.kubectl.io/v1alpha1\nkind: ServeGrants\nsockets:\n- path: ${join(clash.dir, 'first.sock')}\n  owner: nobody\n`);
  const c = await sock(clash.args);
  assert.is(c.stderr, `error: ${join(clash.state, 'grants.yaml')}:4: sockets[0].path: ${join(clash.dir, 'first.sock')} is also served by ${clash.config}:4; a path can be served once\n`);
  assert.ok(existsSync(join(clash.state, 'grants.yaml')), 'the grants file is left as it was');
});

test('serve :: an audit log that cannot be opened, a kubeconfig that does not load', async () => {
  const audit = world(() => []);
  audit.args.push('--audit-log', join(audit.dir, 'no', 'audit.log'));
  await assertRefusedAtStart(audit, `error: cannot open the access log: open ${join(audit.dir, 'no', 'audit.log')}: no such file or directory`);
  const kube = world(() => []);
  kube.args[2] = join(kube.dir, 'missing.kubeconfig');
  const r = await sock(kube.args);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^(error: )?.*missing\.kubeconfig.*\n$/);
  assert.equal(readdirSync(kube.dir), ['serve.yaml']);
});

test.run();
