// `kubectl sock VERB …` for verbs kubectl-sock does not implement: the real
// kubectl runs against the user's shared, token-guarded TLS relay to the
// socket (test/e2e/shared-relay.test.ts covers the relay's life).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, cleanEnv, kubectl, sock, testRuntimeDir } from '../helpers/processes.ts';

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

/** TMPDIR of every fake-kubectl run: the passthrough must leave nothing there. */
let tmp: string;
const runtime = () => join(testRuntimeDir(), 'kubectl-sock');

function runWithFake(mode: string, args: string[] = ['describe', 'pod', 'web'], kubectlPath = fakeKubectl) {
  return sock(['--server', api.unixUrl as string, ...args], { env: { KUBECTL_SOCK_KUBECTL: kubectlPath, FAKE_KUBECTL_MODE: mode, TMPDIR: tmp } });
}

function field(stdout: string, name: string): string {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
}

test('relay :: no token or a wrong one gets 401 and never reaches the socket', async () => {
  tmp = tempDir('ksock-pt-tmp-');
  const before = api.requests.length;
  const r = await runWithFake('exit 0');
  assert.is(field(r.stdout, 'no-token'), '401');
  assert.is(field(r.stdout, 'wrong-token'), '401');
  // Only kubectl-sock's own reachability check (GET /version, before kubectl starts) reaches it.
  assert.equal(api.requests.slice(before).map((q) => `${q.method} ${q.url}`), ['GET /version'], 'nothing of the fake kubectl reached the API server');
});

test("relay kubeconfig :: in the user's private runtime folder, connection flags removed, user args unchanged, no credential of the context", async () => {
  const r = await runWithFake('exit 0', ['describe', 'pods', '-n', 'kube-system', '--show-events=false']);
  const path = field(r.stdout, 'kubeconfig');
  assert.ok(path.startsWith(`${runtime()}/`), path);
  assert.is(field(r.stdout, 'dirmode'), '700');
  assert.is(statSync(runtime()).mode & 0o777, 0o700);
  assert.is(field(r.stdout, 'filemode'), '600');
  assert.is(field(r.stdout, 'args'), 'describe pods -n kube-system --show-events=false');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }>; users: Array<{ user: Record<string, string> }>; contexts: Array<{ context: Record<string, string> }> };
  assert.equal(Object.keys(config.users[0]?.user ?? {}), ['token'], 'only the relay token');
  assert.match(config.clusters[0]?.cluster['server'] ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.is(config.contexts[0]?.context['namespace'], 'kube-system');
  // The same kubeconfig, and the same relay, for the next run.
  const again = await runWithFake('exit 0', ['describe', 'pods', '-n', 'kube-system']);
  assert.is(field(again.stdout, 'kubeconfig'), path);
});

test("exit codes :: kubectl's own exit code comes back, through execve and through the spawn fallback", async () => {
  assert.is((await runWithFake('exit 7')).code, 7);
  // A script without #! can only be started by execvp's /bin/sh fallback: kubectl-sock spawns it.
  const noShebang = join(dir, 'kubectl-no-shebang');
  writeFileSync(noShebang, readFileSync(fakeKubectl, 'utf8').replace(/^#!.*\n/, ''), { mode: 0o755 });
  const r = await runWithFake('exit 5', ['describe', 'pod', 'web'], noShebang);
  assert.is(r.code, 5);
  assert.is(field(r.stdout, 'args'), 'describe pod web');
  assert.is(field(r.stdout, 'no-token'), '401');
});

/** Starts a fake-kubectl run that sleeps, waits for it to say so, and sends SIGTERM. */
async function terminated(kubectlPath: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; ms: number }> {
  const child = spawn(BINARY, ['--server', api.unixUrl as string, 'describe', 'pod', 'web'], {
    env: cleanEnv({ KUBECTL_SOCK_KUBECTL: kubectlPath, FAKE_KUBECTL_MODE: 'sleep', TMPDIR: tmp }),
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  await new Promise<void>((resolve) => {
    const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 20));
    check();
  });
  const started = Date.now();
  child.kill('SIGTERM');
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  return { code, signal, out, ms: Date.now() - started };
}

test('SIGTERM :: reaches kubectl, which the run has become (or its child, in the spawn fallback): 143 as a shell reports it', async () => {
  const direct = await terminated(fakeKubectl);
  assert.ok(direct.ms < 5000, 'ends promptly');
  // The fake's `exec sleep` dies of the signal, as it would run alone.
  assert.is(direct.code ?? 128 + 15, 143);
  const noShebang = join(dir, 'kubectl-no-shebang');
  const spawned = await terminated(noShebang);
  assert.is(spawned.code, 143, 'the fallback passes the signal on and reports it');
});

test('TMPDIR :: nothing left there after runs, a failing kubectl and SIGTERM', () => {
  assert.equal(readdirSync(tmp), []);
});

test('kubectl lookup :: a missing kubectl is one clear line', async () => {
  const r = await sock(['--server', api.unixUrl as string, 'describe', 'pod', 'web'], { env: { PATH: join(dir, 'empty') } });
  assert.is(r.code, 1);
  assert.is(r.stderr, 'error: kubectl sock passes commands it does not implement to kubectl, but no kubectl was found on PATH (set KUBECTL_SOCK_KUBECTL to its path)\n');
});

test.run();
