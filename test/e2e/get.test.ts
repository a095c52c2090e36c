// `kubectl sock get` against real kubectl (the oracle): each invocation runs as
// `dist/kubectl-sock get … --server unix://<fake api socket>` and as
// `kubectl get … --server http://127.0.0.1:PORT` against the same fake API
// server; stdout, stderr and the exit code must be identical.
// Watch parity, resuming and Ctrl-C are in get-watch.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { run, BINARY, KUBECTL } from '../helpers/processes.ts';
import { parityCases, printerCases } from './get-cases.ts';
import { both, startGetEnv, type GetEnv } from './get-fixture.ts';

let env: GetEnv;

test.before(async () => {
  env = await startGetEnv('ksock-get-');
});

test.after(async () => {
  await env?.api.close();
  if (env) rmSync(env.dir, { recursive: true, force: true });
});

async function assertParity(args: string[]): Promise<void> {
  const { ours, theirs } = await both(env, args);
  const what = `get ${args.join(' ')}`;
  assert.is(ours.stdout, theirs.stdout, `stdout of ${what}`);
  assert.is(ours.stderr, theirs.stderr, `stderr of ${what}`);
  assert.is(ours.code, theirs.code, `exit code of ${what}`);
}

for (const [what, args] of parityCases) {
  test(`kubectl parity :: ${what} :: ${args.join(' ')}`, () => assertParity(args));
}

test('kubectl parity :: a server error on the list', async () => {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcd is down', reason: 'InternalError', code: 500 };
  env.api.faults.push({ kind: 'status', code: 500, body, times: 2, match: (r) => r.url.startsWith('/api/v1/namespaces/ns1/pods?') });
  await assertParity(['get', 'pods', '-n', 'ns1']);
});

test('kubectl parity :: a server error on a later page: the pages before it are printed, then the error', async () => {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcd is down', reason: 'InternalError', code: 500 };
  for (const output of [[], ['-o', 'json'], ['-o', 'name']]) {
    env.api.faults.push({ kind: 'status', code: 500, body, times: 2, match: (r) => r.url.startsWith('/api/v1/namespaces/chunky/pods?') && r.url.includes('continue=') });
    await assertParity(['get', 'pods', '-n', 'chunky', '--chunk-size=2', ...output]);
  }
});

test('kubectl parity :: a 404 on the list is "Unable to list"', async () => {
  env.api.faults.push({ kind: 'status', code: 404, body: '404 page not found', times: 2, match: (r) => r.url.startsWith('/api/v1/namespaces/ns1/pods?') });
  await assertParity(['get', 'pods', '-n', 'ns1']);
});

test('kubectl parity :: a list answered without a Table prints NAME and AGE', async () => {
  const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'plain', namespace: 'ns1', creationTimestamp: '2020-02-02T00:00:00Z', labels: { a: 'b' } } }] };
  env.api.faults.push({ kind: 'status', code: 200, body: list, times: 2, match: (r) => r.url.startsWith('/api/v1/namespaces/ns1/pods?') });
  await assertParity(['get', 'pods', '-n', 'ns1', '--show-labels']);
});

for (const args of printerCases) {
  test(`printers :: kubectl parity :: ${args.join(' ')}`, () => assertParity(args));
}

test('a closed stdout (| head -1) ends the command quietly, as kubectl: 141 once a write fails (Go dies of SIGPIPE)', async () => {
  const script = `"$0" --server "$1" get pods -n big | head -1; echo "exit=\${PIPESTATUS[0]}"`;
  const r = await run('bash', ['-c', script, BINARY, env.sockServer], { env: { HOME: env.home } });
  const k = await run('bash', ['-c', script, KUBECTL, env.kubectlServer], { env: { HOME: env.home } });
  assert.is(r.stdout, 'NAME        READY   STATUS    RESTARTS   AGE\nexit=141\n');
  assert.is(r.stdout, k.stdout);
  assert.is(r.stderr, '');
});

test.run();
