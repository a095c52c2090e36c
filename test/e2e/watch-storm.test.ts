// `get -w` against a server that answers a watch with something that is not a
// watch stream (issue #18, finding 6: a plain list made kubectl sock re-request
// about 3.4 million times in 10 minutes, ignoring --request-timeout). kubectl
// 1.33 on the same server with the same fault is the oracle: it prints the
// decoding error as an ERROR event's Status, through the chosen printer, and
// exits 0 after one watch request. --request-timeout ends a watch as it ends
// kubectl's. The fake API server plays the faults; kubectl sock runs over the
// unix socket, kubectl over TCP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv } from '../helpers/processes.ts';

let api: FakeApiServer;
const WATCH = /[?&]watch=true/;

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(tempDir('ksock-wstorm-'), 'api.sock'), tcp: true });
  for (const name of ['web', 'api']) {
    api.addObject({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: name } },
      spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
    });
  }
});

test.after(() => api.close());

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  ms: number;
  watches: number;
}

/** One program against the server; its watch requests are those on its own listener. */
function run(cmd: string, server: string, listener: 'unix' | 'tcp', args: string[]): Promise<Run> {
  const before = api.requests.filter((r) => r.listener === listener && WATCH.test(r.url)).length;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(cmd, ['--server', server, ...args], { env: cleanEnv(), timeout: 30_000, encoding: 'utf8' }, (_err, stdout, stderr) => {
      const watches = api.requests.filter((r) => r.listener === listener && WATCH.test(r.url)).length - before;
      resolve({ stdout, stderr, code: child.exitCode, ms: Date.now() - started, watches });
    });
  });
}

/** Runs both side by side with `body` answering every watch request (each counts its own listener's requests). */
async function both(args: string[], body: string | object | undefined): Promise<{ ours: Run; theirs: Run }> {
  api.faults.length = 0;
  if (body !== undefined) {
    api.faults.push({ kind: 'status', code: 200, body, contentType: 'application/json', times: 1e9, match: (r) => WATCH.test(r.url) });
  }
  try {
    const [theirs, ours] = await Promise.all([run(KUBECTL, api.httpUrl as string, 'tcp', args), run(BINARY, api.unixUrl as string, 'unix', args)]);
    return { ours, theirs };
  } finally {
    api.faults.length = 0;
  }
}

function assertSame(ours: Run, theirs: Run, label: string): void {
  assert.is(ours.stdout, theirs.stdout, `stdout of ${label}`);
  assert.is(ours.stderr, theirs.stderr, `stderr of ${label}`);
  assert.is(ours.code, theirs.code, `exit code of ${label}`);
  assert.is(ours.watches, theirs.watches, `watch requests of ${label} (kubectl made ${theirs.watches})`);
  // kubectl's time is the oracle: the check is for hangs and storms (the old code ran until killed), with the
  // fault matrix's slack for start-up on a loaded machine.
  assert.ok(ours.ms < theirs.ms + 3000, `${label} took ${ours.ms} ms, kubectl ${theirs.ms} ms`);
}

const POD_LIST = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '5' }, items: [] };

const OUTPUTS: string[][] = [
  [],
  ['-o', 'wide'],
  ['-o', 'json'],
  ['-o', 'yaml'],
  ['-o', 'name'],
  ['-o', 'jsonpath={.metadata.name}{"\\n"}'],
  ['-o', 'custom-columns=N:.metadata.name,C:.code'],
  ['--output-watch-events'],
  ['--watch-only'],
  ['-A'],
  ['--show-kind'],
  ['-L', 'app'],
  ['--show-labels'],
  ['--no-headers'],
];
for (const extra of OUTPUTS) {
  test(`get pods -w ${extra.join(' ')} :: a plain list instead of a watch: kubectl's output, exit code and single request`, async () => {
    const args = ['get', 'pods', '-w', ...extra];
    const { ours, theirs } = await both(args, POD_LIST);
    assertSame(ours, theirs, args.join(' '));
  });
}

test('get pods/web -w :: a plain list instead of a watch: the first event (the error) is hidden, as kubectl hides it', async () => {
  const { ours, theirs } = await both(['get', 'pods/web', '-w'], POD_LIST);
  assertSame(ours, theirs, 'get pods/web -w');
});

const BODIES: Array<[string, string | object]> = [
  ['a list without kind', { items: [] }],
  ['an event without an object', { type: 'ADDED' }],
  ['an event of an unknown type', { type: 'CHANGED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x' } } }],
  ['a Table list', { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [], rows: [] }],
  ['a Status', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nope', code: 500 }],
  ['an unregistered kind', { kind: 'Foo', apiVersion: 'example.com/v1' }],
  ['text that is not JSON', 'not json at all\n'],
  ['an HTML page served as JSON', '<html><body>502 Bad Gateway</body></html>\n'],
  ['a JSON array', '[1,2,3]\n'],
  ['an event, then garbage', `${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'late', namespace: 'default', resourceVersion: '9' } } })}\ngarbage\n`],
  ['two events on one line, then garbage', `${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'one', namespace: 'default', resourceVersion: '9' } } })}${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'two', namespace: 'default', resourceVersion: '10' } } })}<html>`],
  ['a pretty-printed event, then a list', `${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'pretty', namespace: 'default', resourceVersion: '11' } } }, null, 2)}\n${JSON.stringify(POD_LIST)}`],
];
for (const [name, body] of BODIES) {
  test(`get pods -w :: ${name} instead of a watch: kubectl's output and exit code, one request`, async () => {
    const { ours, theirs } = await both(['get', 'pods', '-w'], body);
    assertSame(ours, theirs, name);
  });
}

test('get pods -w --request-timeout=2s :: the watch ends with the timeout, exit 0, as kubectl\'s does', async () => {
  const { ours, theirs } = await both(['get', 'pods', '-w', '--request-timeout=2s'], undefined);
  assert.is(theirs.code, 0);
  assertSame(ours, theirs, '--request-timeout=2s');
  assert.ok(ours.ms >= 2000 && ours.ms < 5000, `${ours.ms} ms`);
});

test('get pods -w --request-timeout=2s :: a list instead of a watch still ends at once, with one request', async () => {
  const { ours, theirs } = await both(['get', 'pods', '-w', '--request-timeout=2s'], POD_LIST);
  assertSame(ours, theirs, 'list with --request-timeout=2s');
});

test.run();
