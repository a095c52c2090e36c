// The shared relay's security: another local user (a real second uid) gets 401
// and reaches nothing; no credential in any process's argv or environment
// (read from /proc) nor in the state files; the state folder is refused when
// it is a symlink, another user's, or open to others.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makePki, type Pki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv, run, sock, testRuntimeDir } from '../helpers/processes.ts';
import { holdIdleAsNobody } from '../helpers/idle-connections.ts';
import { eventually, relayProcesses, relayStates, stateRootOf, stopAllRelays } from '../helpers/relays.ts';

const SECRET = 'upstream-secret-token-0123456789abcdef';
const fakeKubectl = join(import.meta.dirname, '..', 'fixtures', 'fake-kubectl.sh');
let dir: string;
let pki: Pki;
let api: FakeApiServer;
let kubeconfig: string;

test.before(async () => {
  dir = tempDir('ksock-relay-sec-');
  pki = await makePki(join(dir, 'pki'));
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: SECRET });
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a', image: 'a' }] } });
  kubeconfig = kc().cluster('fake', { server: api.unixUrl as string }).user('me', {})
    .context('fake', { cluster: 'fake', user: 'me' }).current('fake').write(join(dir, 'kubeconfig'));
});

test.after(async () => {
  await stopAllRelays();
  await api?.close();
});

/** Runs a command as `nobody` (uid 65534), with no supplementary groups. */
function asNobody(cmd: string, args: string[]) {
  return run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', cmd, ...args], { env: { HOME: '/nonexistent' } });
}

test('another user :: no token, a wrong one, or the token of another relay: 401, and nothing reaches the socket', async () => {
  const r = await sock(['--kubeconfig', kubeconfig, 'describe', 'pod', 'web'], { env: { KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'exit 0' } });
  assert.is(r.code, 0, r.stderr);
  const [relay] = (await relayStates());
  if (!relay) throw new Error('no relay');
  const before = api.requests.length;
  for (const auth of [[], ['-H', 'Authorization: Bearer nope'], ['-H', `Authorization: Bearer ${'A'.repeat(43)}`]]) {
    const got = await asNobody('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', ...auth, `https://${relay.address}/api/v1/namespaces/default/pods`]);
    assert.is(got.stdout, '401', `as nobody with ${JSON.stringify(auth)}: ${got.stderr}`);
  }
  assert.is(api.requests.length, before, 'nothing reached the API server');
  // Nor can nobody read the relay's kubeconfig (its token) or reach its control socket: the folders are 0700.
  assert.is(statSync(stateRootOf()).mode & 0o777, 0o700);
  assert.is(statSync(relay.dir).mode & 0o777, 0o700);
  const peek = await asNobody('cat', [join(relay.dir, readdirSync(relay.dir).find((f) => f.startsWith('kubeconfig-')) as string)]);
  assert.is.not(peek.code, 0);
  const control = await asNobody('curl', ['-s', '--unix-socket', join(relay.dir, 'control.sock'), 'http://x/']);
  assert.is.not(control.code, 0);
});

test('another user :: connections that never show the token cannot take the relay\'s file descriptors', async () => {
  await stopAllRelays();
  const r = await sock(['--kubeconfig', kubeconfig, 'describe', 'pod', 'web'], { env: { KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'exit 0' } });
  assert.is(r.code, 0, r.stderr);
  const [relay] = await relayStates();
  if (!relay) throw new Error('no relay');
  // 1000 descriptors, where the machine's limit would take nobody longer to fill.
  assert.is((await run('prlimit', ['--pid', String(relay.pid), '--nofile=1000:1000'])).code, 0);
  const before = socketsOf(relay.pid);
  const holder = holdIdleAsNobody(relay.address, 1500);
  try {
    const held = await holder.open;
    // What the relay holds, read from its descriptors: the holder also counts connections the kernel
    // queued for it and it has not accepted yet.
    const taken = socketsOf(relay.pid) - before;
    // kubectl on the relay's kubeconfig, as `kubectl sock env` hands it out, while nobody holds their connections.
    const relayConfig = join(relay.dir, readdirSync(relay.dir).find((f) => f.startsWith('kubeconfig-')) as string);
    const got = await run(KUBECTL, ['--kubeconfig', relayConfig, 'get', 'pods', '-o', 'name'], { env: { HOME: dir } });
    assert.is(got.stderr, '', `nobody holds ${held} connections`);
    assert.is(got.stdout, 'pod/web\n');
    assert.ok(taken <= 512, `the relay holds ${taken} more sockets for nobody's ${held} open connections`);
  } finally {
    await holder.stop();
  }
});

/** How many sockets a process has open (/proc/PID/fd). */
function socketsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

/** argv and environment of every live process, from /proc. */
function everyProcess(): Array<{ pid: number; argv: string; environ: string }> {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push({ pid: Number(name), argv: readFileSync(`/proc/${name}/cmdline`, 'latin1'), environ: readFileSync(`/proc/${name}/environ`, 'latin1') });
    } catch {
      // Gone, or a kernel thread.
    }
  }
  return out;
}

test('no secret in argv or environ :: --token reaches the relay through a pipe, never a process listing; the relay token neither', async () => {
  await stopAllRelays();
  const upstream = ['--server', api.httpsUrl as string, '--certificate-authority', pki.ca.certPath, '--token', SECRET];
  // Real kubectl through the relay to the TLS server: the token works.
  const got = await sock([...upstream, '--', 'get', 'pods', '-o', 'name'], { env: { KUBECTL_SOCK_KUBECTL: KUBECTL } });
  assert.equal([got.code, got.stdout, got.stderr], [0, 'pod/web\n', '']);
  // While a kubectl runs through the relay, look at every process.
  const child = spawn(BINARY, [...upstream, 'describe', 'pod', 'web'], { env: cleanEnv({ KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'sleep' }) });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  try {
    await eventually('the fake kubectl to run', () => out.includes('ready'));
    const relayToken = (JSON.parse(readFileSync(/^kubeconfig=(.*)$/m.exec(out)?.[1] as string, 'utf8')) as { users: Array<{ user: { token: string } }> }).users[0]?.user.token as string;
    assert.ok(relayToken.length >= 43, 'a 256-bit token');
    const relays = relayProcesses();
    assert.is(relays.length, 1);
    const seen = everyProcess();
    assert.ok(seen.some((p) => p.pid === relays[0]), 'the relay process was looked at');
    assert.ok(seen.some((p) => p.pid === child.pid && p.argv.includes('sleep')), 'the run, now the fake kubectl, was looked at');
    for (const p of seen) {
      for (const secret of [SECRET, relayToken]) {
        assert.not.ok(p.argv.includes(secret), `pid ${p.pid}'s argv holds a secret: ${p.argv.replaceAll('\0', ' ')}`);
        assert.not.ok(p.environ.includes(secret), `pid ${p.pid}'s environment holds a secret`);
      }
    }
    // Nor is the upstream token in any file of the state folder (a run given --token is not remembered).
    for (const file of walk(stateRootOf())) assert.not.ok(readFileSync(file, 'latin1').includes(SECRET), `${file} holds the token`);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
  }
});

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : []));
}

/** A passthrough run with no XDG_RUNTIME_DIR: the state folder falls back to TMPDIR/kubectl-sock-UID. */
function inTmp(tmp: string) {
  return sock(['--kubeconfig', kubeconfig, 'describe', 'pod', 'web'], {
    env: { KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'exit 0', TMPDIR: tmp, XDG_RUNTIME_DIR: '' },
  });
}

test('state folder :: without XDG_RUNTIME_DIR, TMPDIR/kubectl-sock-UID, made 0700', async () => {
  const tmp = tempDir('ksock-relay-tmp-');
  const r = await inTmp(tmp);
  assert.is(r.code, 0, r.stderr);
  const root = join(tmp, `kubectl-sock-${process.getuid?.()}`);
  assert.is(statSync(root).mode & 0o777, 0o700);
  assert.match(/^kubeconfig=(.*)$/m.exec(r.stdout)?.[1] ?? '', new RegExp(`^${root}/[0-9a-f]{16}/kubeconfig-`));
  await sock(['relay', 'stop', '--all'], { env: { TMPDIR: tmp, XDG_RUNTIME_DIR: '' } });
});

test('state folder :: a symlink, a folder open to others, or another user\'s is refused; nothing starts', async () => {
  const uid = process.getuid?.();
  const cases: Array<[string, (root: string) => void, RegExp]> = [
    ['symlink', (root) => symlinkSync(tempDir('ksock-elsewhere-'), root), /it is a symbolic link/],
    ['mode 0755', (root) => { mkdirSync(root); chmodSync(root, 0o755); }, /its mode is 0755/],
    ['owned by nobody', (root) => { mkdirSync(root, { mode: 0o700 }); chownSync(root, 65534, 65534); }, /it is owned by uid 65534/],
  ];
  for (const [what, plant, why] of cases) {
    const tmp = tempDir('ksock-relay-tmp-');
    const root = join(tmp, `kubectl-sock-${uid}`);
    plant(root);
    const r = await inTmp(tmp);
    assert.is(r.code, 1, what);
    assert.match(r.stderr, new RegExp(`^error: the relay folder ${root} is not safe to use: ${why.source} \\(it must be a folder of yours with mode 0700\\)\\n$`), what);
    assert.is(r.stdout, '', `${what}: kubectl did not run`);
    assert.not.ok(existsSync(join(root, 'name-key')), `${what}: nothing written there`);
  }
});

test.run();
