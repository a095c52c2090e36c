// `kubectl sock grant`, `revoke` and `grants` against a running `kubectl sock
// serve` (the built binary, in front of the fake API server): sockets on demand,
// revocation cutting every connection within 1 s, the control socket refused to
// another local user, and grants that survive a restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { makePki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { closedWithin, holdAll } from '../helpers/held-connections.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { BINARY, KUBECTL, cleanEnv, startBackground, testRuntimeDir, type RunResult } from '../helpers/processes.ts';
import { eventually, relayProcesses } from '../helpers/relays.ts';
import { NOBODY, runAs, socketsDir, startServe, writeServeConfig, type Serve } from '../helpers/serve.ts';
import { call } from '../unit/relay/relay-harness.ts';

const TOKEN = 'e2e-grants-token';
let api: FakeApiServer;
let admin: string;
let dir: string;
let state: string;
let config: string;
let serve: Serve;
const sock = (name: string) => join(dir, `${name}.sock`);

async function start(): Promise<Serve> {
  return startServe(admin, config, ['--grant-dir', dir], state);
}

test.before(async () => {
  const work = tempDir('ksock-e2e-grants-');
  const pki = await makePki(join(work, 'pki'));
  api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: TOKEN });
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'app', image: 'a' }] }, status: { phase: 'Running' } } as never);
  api.setLogs('default', 'web', 'app', ['line 1']);
  admin = kc().cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath }).user('admin', { token: TOKEN })
    .context('admin', { cluster: 'fake', user: 'admin' }).current('admin').write(join(work, 'admin.kubeconfig'));
  dir = socketsDir();
  state = tempDir('ksock-e2e-grants-state-');
  config = writeServeConfig(join(dir, 'serve.yaml'), [{ path: sock('alice'), owner: 'nobody', as: 'alice' }]);
  serve = await start();
});

test.after(async () => {
  await serve?.stop();
  await api?.close();
});

/** One line on stderr, exit 1, nothing on stdout: how every refusal reads. */
function assertRefused(r: RunResult, line: string): void {
  assert.is(r.stderr, `${line}\n`);
  assert.is(r.stdout, '');
  assert.is(r.code, 1);
}

test('grant :: a socket appears at --grant-dir/USER.sock, handed to USER and acting as USER', async () => {
  const r = await serve.ctl(['grant', 'nobody', '--expire-after', '1h']);
  assert.match(r.stdout, new RegExp(`^${sock('nobody')} granted to nobody as nobody, until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n$`), r.stderr);
  const st = lstatSync(sock('nobody'));
  assert.is(st.uid, NOBODY);
  assert.is(st.mode & 0o777, 0o600);
  const from = api.requests.length;
  const got = await runAs(NOBODY, ['--server', `unix://${sock('nobody')}`, 'get', 'pods', '-o', 'name']);
  assert.is(got.stdout, 'pod/web\n', got.stderr);
  assert.ok(api.requests.slice(from).every((q) => q.headers['impersonate-user'] === 'nobody'));
});

test('grant :: --as, --as-group, --as-uid, --read-only and --path', async () => {
  const r = await serve.ctl(['grant', 'daemon', '--as', 'ci', '--as-group', 'builders', '--as-group', 'readers', '--as-uid', 'u-7', '--read-only', '--path', sock('ci')]);
  assert.is(r.stdout, `${sock('ci')} granted to daemon as ci, groups builders,readers, read-only\n`, r.stderr);
  const from = api.requests.length;
  assert.is((await call(sock('ci'), 'GET', '/version')).status, 200);
  const seen = api.requests[from]?.headers;
  assert.equal([seen?.['impersonate-user'], seen?.['impersonate-group'], seen?.['impersonate-uid']], ['ci', 'builders, readers', 'u-7']);
  assert.is((await call(sock('ci'), 'POST', '/api/v1/namespaces/default/pods', {}, '{}')).status, 403);
  assert.is(lstatSync(sock('ci')).uid, 1);
});

test('grants :: lists every socket, config and grants, with identity, expiry and live connections', async () => {
  const held = await holdAll(sock('alice'));
  const r = await serve.ctl(['grants']);
  const rows = r.stdout.split('\n');
  assert.match(rows[0] as string, /^PATH +OWNER +IDENTITY +GROUPS +READ-ONLY +EXPIRES +CONNECTIONS +SOURCE$/);
  assert.match(r.stdout, new RegExp(`\\n${sock('alice')} +nobody +alice +<none> +false +<never> +4 +config\\n`));
  // ci was used once above: a kept-alive connection of this process may still be open.
  assert.match(r.stdout, new RegExp(`\\n${sock('ci')} +daemon +ci +builders,readers +true +<never> +[01] +grant\\n`));
  assert.match(r.stdout, new RegExp(`\\n${sock('nobody')} +nobody +nobody +<none> +false +in 59m +0 +grant\\n`));
  const j = JSON.parse((await serve.ctl(['grants', '-o', 'json'])).stdout) as { kind: string; items: Array<Record<string, unknown>> };
  assert.is(j.kind, 'SocketList');
  assert.equal(j.items.map((i) => [i['path'], i['source'], i['definedIn']]), [
    [sock('alice'), 'config', `${config}:4`], [sock('ci'), 'grant', serve.stateFile], [sock('nobody'), 'grant', serve.stateFile],
  ]);
  for (const h of held) h.destroy();
});

test('grant :: refusals are one line each, and nothing is created', async () => {
  const cases: Array<[string[], string]> = [
    [['grant'], "error: a user is required: kubectl sock grant USER\nSee 'kubectl sock grant -h' for help and examples"],
    [['grant', 'a', 'b'], "error: exactly one user is required, got 2: a b\nSee 'kubectl sock grant -h' for help and examples"],
    [['grant', 'nosuchuser-x'], 'error: owner: unknown user "nosuchuser-x"'],
    [['grant', '1001'], 'error: --as: required when USER is a uid (1001): the Kubernetes user to act as'],
    [['grant', 'bin', '--path', sock('alice')], `error: ${sock('alice')} is already served by ${config}:4`],
    [['grant', 'bin', '--path', sock('ci')], `error: ${sock('ci')} is already granted to daemon; revoke it first`],
    [['grant', 'bin', '--path', serve.control], `error: ${serve.control} is the control socket`],
    [['grant', 'bin', '--path', `/${'x'.repeat(120)}`], 'error: --path: the path is too long for a unix socket (121 bytes; at most 107)'],
    [['grant', 'bin', '--path', join(dir, 'missing', 'b.sock')], `error: cannot create a socket in ${join(dir, 'missing')}: no such file or directory`],
    [['grant', 'bin', '--expire-after', '-1s'], 'error: --expire-after must be more than 0'],
    [['grant', 'bin', '--expire-after', 'soon'], `error: invalid argument "soon" for "--expire-after" flag: time: invalid duration "soon"\nSee 'kubectl sock grant --help' for usage.`],
    [['grant', 'bin', '--as', 'x\ny'], 'error: --as: "x\\ny" contains a control character'],
  ];
  for (const [args, want] of cases) assertRefused(await serve.ctl(args), want);
  assert.not.ok(existsSync(sock('bin')));
  assert.not.ok(existsSync(sock('1001')));
});

/** DELETE on the control socket, as `kubectl sock revoke` sends it, timed from the test's side. */
function revokeNow(target: string): Promise<number> {
  return new Promise((ok, fail) => {
    request({ socketPath: serve.control, method: 'DELETE', path: `/v1/grants?target=${encodeURIComponent(target)}`, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    }).on('error', fail).end();
  });
}

test('revoke :: by path: unlinked, and its watch, logs -f, exec and port-forward closed within 1 s', async () => {
  await serve.ctl(['grant', 'bin', '--path', sock('bin')]);
  const held = await holdAll(sock('bin'));
  assert.equal(await closedWithin(held), [], 'every connection is open before the revocation');
  const t0 = performance.now();
  assert.is(await revokeNow(sock('bin')), 200);
  for (const h of held) assert.ok((await h.closed) - t0 <= 1000, `${h.kind} closed within 1 s`);
  assert.not.ok(existsSync(sock('bin')));
  assert.match(serve.output(), `Stopped serving on ${sock('bin')}: revoked (4 connections closed)\n`);
  assert.not.match(readFileSync(serve.stateFile, 'utf8'), sock('bin'));
});

test('revoke :: by user, with kubectl sock revoke; config sockets and unknown targets are refused', async () => {
  await serve.ctl(['grant', 'daemon', '--path', sock('d2')]);
  const r = await serve.ctl(['revoke', 'daemon']);
  assert.match(r.stdout, new RegExp(`^${sock('ci')} revoked \\([01] connections? closed\\)\\n${sock('d2')} revoked \\(0 connections closed\\)\\n$`), r.stderr);
  assert.not.ok(existsSync(sock('ci')) || existsSync(sock('d2')));
  assertRefused(await serve.ctl(['revoke', sock('alice')]), `error: ${sock('alice')} comes from the config file (${config}:4), not from a grant; remove it there and reload the server (kill -HUP, or systemctl reload)`);
  assertRefused(await serve.ctl(['revoke', 'daemon']), 'error: no socket is granted to daemon');
  assertRefused(await serve.ctl(['revoke', join(dir, 'nope.sock')]), `error: no socket is granted at ${join(dir, 'nope.sock')}`);
  assert.ok(existsSync(sock('alice')));
});

test('revoke :: real kubectl exec and port-forward through the socket end when it is revoked', async () => {
  await serve.ctl(['grant', 'bin', '--path', sock('kx')]);
  const env = cleanEnv({ KUBECTL_SOCK_KUBECTL: KUBECTL, TMPDIR: tempDir('ksock-e2e-grants-tmp-') });
  const server = `unix://${sock('kx')}`;
  const exec = spawn(BINARY, ['--server', server, 'exec', '-i', 'web', '--', 'echo-test'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const execOut = new Promise<void>((r) => exec.stdout.on('data', (c: Buffer) => c.includes('ping') && r()));
  exec.stdin.write('ping\n');
  await execOut;
  const pf = await startBackground(BINARY, ['--server', server, 'port-forward', 'pod/web', '0:9'], /^Forwarding from 127\.0\.0\.1:\d+ /, { env: { KUBECTL_SOCK_KUBECTL: KUBECTL, TMPDIR: env['TMPDIR'] } });
  const exited = (c: ChildProcess) => new Promise<number>((r) => (c.exitCode !== null ? r(performance.now()) : c.once('exit', () => r(performance.now()))));
  const ends = [exited(exec), exited(pf.child)];
  const t0 = performance.now();
  assert.is((await serve.ctl(['revoke', sock('kx')])).code, 0);
  const [execEnd, pfEnd] = await Promise.all(ends.map((e) => Promise.race([e, new Promise<number>((r) => setTimeout(() => r(Infinity), 10_000))])));
  // kubectl notices the cut itself; the cut is timed on the connections above.
  assert.ok((execEnd as number) - t0 < 5000, `exec ended ${(execEnd as number) - t0} ms after the revoke`);
  assert.ok((pfEnd as number) - t0 < 5000, `port-forward ended ${(pfEnd as number) - t0} ms after the revoke`);
  assert.is.not(exec.exitCode, 0);
  assert.is.not(pf.child.exitCode, 0);
  // The shared relay they went through counts no connection once both ended, so it ends when idle (5 s here):
  // a cut exec tunnel used to stay counted, and the relay lived on after its state folder was gone.
  await eventually('the shared relay to end by itself', () => relayProcesses(testRuntimeDir()).length === 0, 15_000);
});

test('control :: another local user is refused by the control socket\'s folder: no grant, revoke or list', async () => {
  const why = `error: cannot use the control socket: dial unix ${serve.control}: connect: permission denied (only the user kubectl sock serve runs as may grant, revoke and list)`;
  for (const args of [['grants'], ['grant', 'nobody', '--path', sock('evil')], ['revoke', 'nobody']]) {
    assertRefused(await runAs(NOBODY, [...args, '--control-socket', serve.control]), why);
  }
  assert.not.ok(existsSync(sock('evil')));
  assert.ok(existsSync(sock('nobody')), "nobody's own grant is still there");
  const st = lstatSync(join(serve.dir, 'control'));
  assert.is(st.mode & 0o777, 0o700);
});

test('restart :: grants survive it; one whose time ran out meanwhile is dropped from the file', async () => {
  await serve.ctl(['grant', 'bin', '--path', sock('brief'), '--expire-after', '1s']);
  await serve.stop('SIGTERM');
  assert.not.ok(existsSync(sock('nobody')));
  assert.match(readFileSync(state + '/grants.yaml', 'utf8'), sock('brief'));
  await new Promise((r) => setTimeout(r, 1200));
  serve = await start();
  assert.ok(lstatSync(sock('nobody')).isSocket(), 'the grant is served again');
  assert.not.ok(existsSync(sock('brief')));
  assert.not.match(readFileSync(serve.stateFile, 'utf8'), sock('brief'));
  assert.match((await serve.ctl(['grants'])).stdout, new RegExp(`\\n${sock('nobody')} +nobody +nobody +<none> +false +in 5\\dm +0 +grant\\n`));
});

test('grant :: --expire-after ends the grant on time and it leaves the file', async () => {
  await serve.ctl(['grant', 'bin', '--path', sock('short'), '--expire-after', '1s']);
  await serve.waitFor(new RegExp(`^Stopped serving on ${sock('short')}: expired`), 1, 4000);
  assert.not.ok(existsSync(sock('short')));
  await new Promise((r) => setTimeout(r, 100));
  assert.not.match(readFileSync(serve.stateFile, 'utf8'), sock('short'));
});

test.run();
