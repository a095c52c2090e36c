// `kubectl sock get -w` against real kubectl: both watch the same fake API
// server (kubectl sock over the unix socket, kubectl over TCP) through the same
// changes, and print the same rows. Faults hit only the unix listener: kubectl
// sock resumes a dropped watch (kubectl would exit), re-lists after 410 Gone,
// and still prints exactly what kubectl printed on its unbroken connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { K8sObject, RecordedRequest } from '../helpers/fake-apiserver.ts';
import { pod, startGetEnv, startWatcher, type GetEnv, type Watcher } from './get-fixture.ts';

let env: GetEnv;

test.before(async () => {
  env = await startGetEnv('ksock-getw-');
});

test.after(async () => {
  await env?.api.close();
  if (env) rmSync(env.dir, { recursive: true, force: true });
});

function watchers(args: string[]): [Watcher, Watcher] {
  return [startWatcher('sock', env, args), startWatcher('kubectl', env, args)];
}

async function waitLines(ws: Watcher[], n: number): Promise<void> {
  await Promise.all(ws.map((w) => w.lines(n)));
}

function setPhase(namespace: string, name: string, phase: string): void {
  const p = env.api.getObject('pods', namespace, name) as K8sObject;
  env.api.updateObject({ ...p, status: { ...(p['status'] as object), phase } });
}

const watchesOf = (ns: string) => (r: RecordedRequest) => r.listener === 'unix' && r.url.includes(`/namespaces/${ns}/pods?`) && r.url.includes('watch=true');

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until both outputs are as long as each other and have stopped growing (for formats without a fixed line count). */
async function settled(ws: Watcher[], quietMs = 600, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const lengths = ws.map((w) => w.stdout().length);
    const now = lengths.join(',');
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && lengths.every((l) => l === lengths[0])) return;
    if (Date.now() > end) throw new Error(`outputs kept changing: ${now}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ends both with Ctrl-C; both exit 1, as kubectl's interrupt handler ends a running watch. */
async function stopAndCompare(ours: Watcher, theirs: Watcher): Promise<void> {
  const [oursCode, theirsCode] = await Promise.all([ours.interrupt(), theirs.interrupt()]);
  assert.is(ours.stdout(), theirs.stdout(), 'stdout');
  assert.is(ours.stderr(), '', 'no error output');
  assert.is(oursCode, theirsCode, 'exit code after Ctrl-C, as kubectl');
  assert.is(oursCode, 1, 'exit code after Ctrl-C');
}

test('kubectl parity :: -w prints the list, then each change; Ctrl-C ends it cleanly', async () => {
  env.api.addObject(pod('w1', 'alpha', { days: 20 }));
  env.api.addObject(pod('w1', 'beta', { days: 21 }));
  const [ours, theirs] = watchers(['get', 'pods', '-n', 'w1', '-w']);
  await waitLines([ours, theirs], 3);
  // A longer name widens the NAME column for the rows after it, never before.
  env.api.addObject(pod('w1', 'gamma-with-a-much-longer-name', { days: 22 }));
  setPhase('w1', 'alpha', 'Failed');
  env.api.deleteObject('pods', 'w1', 'beta');
  await waitLines([ours, theirs], 6);
  await stopAndCompare(ours, theirs);
});

test('kubectl parity :: --watch-only --output-watch-events -A', async () => {
  const [ours, theirs] = watchers(['get', 'pods', '-A', '--watch-only', '--output-watch-events', '-l', 'watch=w2']);
  // --watch-only still lists first (for its resourceVersion); give both time to start watching.
  await until(() => env.api.requests.filter((r) => r.url.includes('watch=true') && r.url.includes('watch%3Dw2')).length >= 2, 'both watches');
  env.api.addObject(pod('w2', 'one', { days: 3, labels: { watch: 'w2' } }));
  env.api.addObject(pod('default', 'two', { days: 4, labels: { watch: 'w2' } }));
  setPhase('w2', 'one', 'Succeeded');
  env.api.deleteObject('pods', 'default', 'two');
  await waitLines([ours, theirs], 5);
  await stopAndCompare(ours, theirs);
});

test('kubectl parity :: -w on one named object skips the synthetic first event', async () => {
  env.api.addObject(pod('w3', 'solo', { days: 6 }));
  env.api.addObject(pod('w3', 'other', { days: 6 }));
  const [ours, theirs] = watchers(['get', 'pod', 'solo', '-n', 'w3', '-w', '-o', 'wide']);
  await waitLines([ours, theirs], 2);
  await until(() => env.api.requests.filter((r) => r.url.includes('fieldSelector=metadata.name%3Dsolo')).length >= 2, 'both watches');
  setPhase('w3', 'other', 'Failed');
  setPhase('w3', 'solo', 'Failed');
  await waitLines([ours, theirs], 3);
  await stopAndCompare(ours, theirs);
});

for (const [ns, output] of [['w6', ['-o', 'json', '--output-watch-events']], ['w7', ['-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase']], ['w8', ['-o', 'yaml']]] as const) {
  test(`kubectl parity :: -w ${output.join(' ')} prints each object through the -o printer`, async () => {
    env.api.addObject(pod(ns, 'first', { days: 5 }));
    const [ours, theirs] = watchers(['get', 'pods', '-n', ns, '-w', ...output]);
    await until(() => env.api.requests.filter((r) => r.url.includes(`/namespaces/${ns}/pods?`) && r.url.includes('watch=true')).length >= 2, 'both watches');
    env.api.addObject(pod(ns, 'second-with-a-longer-name', { days: 6 }));
    setPhase(ns, 'first', 'Failed');
    await settled([ours, theirs]);
    await stopAndCompare(ours, theirs);
  });
}

test('resume :: a watch dropped mid-event resumes from the last resourceVersion, no row lost or repeated', async () => {
  for (const name of ['d-a', 'd-b']) env.api.addObject(pod('w4', name, { days: 7 }));
  // Cut the connection 3500 bytes in (inside the second or third event), twice.
  env.api.faults.push({ kind: 'drop', afterBytes: 3500, times: 2, match: watchesOf('w4') });
  const [ours, theirs] = watchers(['get', 'pods', '-n', 'w4', '-w', '--output-watch-events']);
  await waitLines([ours, theirs], 3);
  for (let i = 0; i < 6; i++) env.api.addObject(pod('w4', `d-new-${i}`, { days: 8 + i, restarts: i }));
  setPhase('w4', 'd-a', 'Failed');
  setPhase('w4', 'd-new-2', 'Failed');
  env.api.deleteObject('pods', 'w4', 'd-b');
  await waitLines([ours, theirs], 3 + 9);
  assert.ok(env.api.requests.filter(watchesOf('w4')).length >= 3, 'the watch was dropped twice and resumed');
  await stopAndCompare(ours, theirs);
});

test('resume :: 410 Gone on resuming re-lists and prints only what changed meanwhile', async () => {
  for (const name of ['r-a', 'r-c']) env.api.addObject(pod('w5', name, { days: 9 }));
  // The first watch fails at once; the retry is held back until the history is compacted.
  env.api.faults.push({ kind: 'drop', times: 1, match: watchesOf('w5') });
  env.api.faults.push({ kind: 'slow', delayMs: 2000, times: 1, match: watchesOf('w5') });
  const [ours, theirs] = watchers(['get', 'pods', '-n', 'w5', '-w', '--output-watch-events']);
  await waitLines([ours, theirs], 3);
  await until(() => env.api.requests.filter(watchesOf('w5')).length >= 2, 'the held-back retry');
  setPhase('w5', 'r-a', 'Failed');
  env.api.addObject(pod('w5', 'r-b', { days: 10 }));
  env.api.deleteObject('pods', 'w5', 'r-c');
  env.api.compact();
  await waitLines([ours, theirs], 6);
  // The rows are printed before the next watch is sent: wait for it rather than race it (Node 26 sends it a little later).
  await until(() => env.api.requests.some((r) => r.listener === 'unix' && r.url.startsWith('/api/v1/namespaces/w5/pods?limit=')) && env.api.requests.filter(watchesOf('w5')).length >= 3, 're-listed, then watching again');
  await stopAndCompare(ours, theirs);
});

test.run();
