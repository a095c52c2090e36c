// `kubectl sock VERB …` for verbs kubectl-sock does not implement: the real
// kubectl runs against a private, token-guarded TLS relay to the socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, cleanEnv, kubectl, sock } from '../helpers/processes.ts';

const fakeKubectl = join(import.meta.dirname, '..', 'fixtures', 'fake-kubectl.sh');
let dir: string;
let api: FakeApiServer;

test.before(async () => {
  dir = tempDir('ksock-pt-');
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  api.addObject({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], nodeName: 'node-1' },
    status: { phase: 'Running', podIP: '10.0.0.5' },
  });
});

test.after(async () => {
  await api?.close();
});

/** Same verb, two ways: kubectl-sock passthrough over the unix socket, kubectl over TCP. */
async function assertSameAsKubectl(args: string[]) {
  const ours = await sock(['--server', api.unixUrl as string, ...args]);
  const theirs = await kubectl(['--server', api.httpUrl as string, ...args]);
  assert.is(ours.stdout, theirs.stdout, `stdout of ${args.join(' ')}`);
  assert.is(ours.stderr, theirs.stderr, `stderr of ${args.join(' ')}`);
  assert.is(ours.code, theirs.code, `exit code of ${args.join(' ')}`);
}

test('passthrough :: describe, api-resources and a forced `-- get` match kubectl', async () => {
  await assertSameAsKubectl(['describe', 'pod', 'web']);
  await assertSameAsKubectl(['api-resources']);
  await assertSameAsKubectl(['get', 'nosuch']);
  const forced = await sock(['--server', api.unixUrl as string, '--', 'get', 'pods', '-o', 'name']);
  assert.is(forced.stdout, 'pod/web\n');
});

function runWithFake(mode: string, args: string[] = ['describe', 'pod', 'web']) {
  return sock(['--server', api.unixUrl as string, ...args], { env: { KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: mode } });
}

function field(stdout: string, name: string): string {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
}

test('relay :: no token or a wrong one gets 401 and never reaches the socket', async () => {
  const before = api.requests.length;
  const r = await runWithFake('exit 0');
  assert.is(field(r.stdout, 'no-token'), '401');
  assert.is(field(r.stdout, 'wrong-token'), '401');
  // Only kubectl-sock's own reachability check (GET /version, before kubectl starts) reaches it.
  assert.equal(api.requests.slice(before).map((q) => `${q.method} ${q.url}`), ['GET /version'], 'nothing of the fake kubectl reached the API server');
});

test('relay kubeconfig :: private folder and file, connection flags removed, user args unchanged, gone afterwards', async () => {
  const r = await runWithFake('exit 0', ['describe', 'pods', '-n', 'kube-system', '--show-events=false']);
  assert.is(field(r.stdout, 'dirmode'), '700');
  assert.is(field(r.stdout, 'filemode'), '600');
  assert.is(field(r.stdout, 'args'), 'describe pods -n kube-system --show-events=false');
  assert.not.ok(existsSync(dirname(field(r.stdout, 'kubeconfig'))));
});

test("exit codes :: kubectl's own exit code comes back, and a failing kubectl leaves no file", async () => {
  const r = await runWithFake('exit 7');
  assert.is(r.code, 7);
  assert.not.ok(existsSync(dirname(field(r.stdout, 'kubeconfig'))));
});

test('SIGTERM :: forwarded to kubectl, temporary files removed, 143 returned', async () => {
  const child = spawn(BINARY, ['--server', api.unixUrl as string, 'describe', 'pod', 'web'], {
    env: cleanEnv({ KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'sleep' }),
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  await new Promise<void>((resolve) => {
    const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 20));
    check();
  });
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.ok(Date.now() - started < 5000, 'ends promptly');
  assert.is(code, 143);
  assert.not.ok(existsSync(dirname(field(out, 'kubeconfig'))));
});

test('kubectl lookup :: a missing kubectl is one clear line', async () => {
  const r = await sock(['--server', api.unixUrl as string, 'describe', 'pod', 'web'], { env: { PATH: join(dir, 'empty') } });
  assert.is(r.code, 1);
  assert.is(r.stderr, 'error: kubectl sock passes commands it does not implement to kubectl, but no kubectl was found on PATH (set KUBECTL_SOCK_KUBECTL to its path)\n');
});

test.run();
