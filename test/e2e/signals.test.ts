// Signals and pipes: every long-lived command (get, get -w, logs, logs -f, proxy,
// and kubectl itself through passthrough) is sent SIGINT or SIGTERM at each stage
// of its life, or has its stdout closed early (`| head -1`). It must end with the
// exit status kubectl 1.33 ends with at the same stage (the oracle runs beside it:
// 130/143 as a shell reports a death by that signal, 1 under kubectl's interrupt
// handler in a running watch or followed log, 141 for a write to a closed stdout;
// passthrough: kubectl's own), print
// nothing (no stack trace, no error), and leave nothing behind: no socket file,
// nothing in TMPDIR, no kubectl child, and the shared relay it started ends when stopped. The signal and the delays
// come from a seeded generator, so `make test` runs the same cases every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../helpers/fuzz.ts';
import { BINARY, KUBECTL } from '../helpers/processes.ts';
import {
  assertNothingLeft, ended, keepChanging, kubectlStatus, makeWorld, openFifoForWriting, pool, requestThroughProxy, shellStatus,
  startIn, waitFor, watchThroughProxy, type Exit, type Run, type World,
} from './signals-fixture.ts';

const rng = seededRandom(9);
const pickSignal = (): NodeJS.Signals => (rng() < 0.5 ? 'SIGINT' : 'SIGTERM');

/**
 * The stages of a command's life a signal may hit:
 *  - spawn: right after the process starts, maybe before its handlers exist
 *    (it then dies of the signal, which a shell reports the same way);
 *  - config: while it reads its kubeconfig, so its handlers are in place and
 *    nothing has reached the API server (the kubeconfig is a FIFO it blocks on);
 *  - request: while its first request waits for the API server (discovery for
 *    get and kubectl, the pod for logs, a client's request for proxy);
 *  - stream: once it has printed its first line of a stream (for proxy: with a
 *    client's watch open through it).
 */
type Stage = 'spawn' | 'config' | 'request' | 'stream';

interface Command {
  name: string;
  args: string[];
  stages: Stage[];
  /** Runs the real kubectl (passthrough): its exit status is the answer for stages it lives through. */
  passthrough?: boolean;
  proxy?: boolean;
}

const COMMANDS: Command[] = [
  { name: 'get', args: ['get', 'pods'], stages: ['spawn', 'config', 'request'] },
  { name: 'get -w', args: ['get', 'pods', '-w'], stages: ['spawn', 'config', 'request', 'stream'] },
  { name: 'logs', args: ['logs', 'big'], stages: ['spawn', 'config', 'request', 'stream'] },
  { name: 'logs -f', args: ['logs', '-f', 'app-0'], stages: ['spawn', 'config', 'request', 'stream'] },
  { name: 'proxy', args: ['proxy'], stages: ['spawn', 'config', 'request', 'stream'], proxy: true },
  { name: 'passthrough describe', args: ['describe', 'pods'], stages: ['spawn', 'config', 'request'], passthrough: true },
  { name: 'passthrough -- get -w', args: ['--', 'get', 'pods', '-w'], stages: ['spawn', 'config', 'request', 'stream'], passthrough: true },
];

function sockArgs(w: World, c: Command): string[] {
  return c.proxy ? ['proxy', `--unix-socket=${join(w.sockDir, 'kube.sock')}`] : c.args;
}

/** Brings a run to `stage`, then sends `sig`. */
async function reachStageAndSignal(w: World, c: Command, r: Run, stage: Stage, sig: NodeJS.Signals, delayMs: number): Promise<void> {
  if (stage === 'spawn') {
    await new Promise((ok) => r.child.once('spawn', ok));
    await new Promise((ok) => setTimeout(ok, delayMs));
    r.child.kill(sig);
    return;
  }
  if (stage === 'config') {
    const fh = await openFifoForWriting(w, r);
    r.child.kill(sig);
    // kubectl (the oracle) has no handler yet and is gone: nobody reads the FIFO any more.
    await fh.writeFile(w.kubeconfigText).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    await fh.close();
    return;
  }
  if (c.proxy) {
    await r.firstLine;
    if (stage === 'request') {
      w.api.faults.push({ kind: 'slow', delayMs: 60_000, times: 1000 });
      requestThroughProxy(w);
      await waitFor('the request to reach the API server', () => w.api.requests.length > 0);
    } else {
      await watchThroughProxy(w);
    }
    r.child.kill(sig);
    return;
  }
  if (stage === 'request') {
    await waitFor('the first request to reach the API server', () => w.api.requests.length > 0);
  } else {
    await r.firstLine;
    // Mid-watch, once the watch request is out: kubectl answers a signal differently before it.
    if (c.args.includes('-w')) await waitFor('the watch request', () => w.api.requests.some((q) => /[?&]watch=(1|true)\b/.test(q.url)));
    await new Promise((ok) => setTimeout(ok, delayMs));
  }
  r.child.kill(sig);
}

/**
 * The oracle: real kubectl over TCP to a world of its own, brought to the same
 * stage and sent the same signal. kubectl's status depends on where it is: a
 * running watch or followed log ends 1 (its interrupt handler), elsewhere it
 * dies of the signal.
 */
async function oracleStatus(c: Command, stage: Stage, sig: NodeJS.Signals, delayMs: number): Promise<number> {
  const w = await makeWorld(stage === 'config');
  try {
    if (stage === 'request') w.api.faults.push({ kind: 'slow', delayMs: 60_000, times: 1000 });
    const r = startIn(w, KUBECTL, ['--kubeconfig', w.kubeconfig, '--server', w.api.httpUrl as string, ...c.args]);
    await reachStageAndSignal(w, c, r, stage, sig, delayMs);
    return shellStatus(await ended(r, `kubectl ${c.name} / ${stage} / ${sig}`));
  } finally {
    await w.api.close();
  }
}

async function signalCase(c: Command, stage: Stage, sig: NodeJS.Signals, delayMs: number): Promise<void> {
  const what = `${c.name} / ${stage} / ${sig}`;
  const w = await makeWorld(stage === 'config');
  try {
    if (stage === 'request' && !c.proxy) w.api.faults.push({ kind: 'slow', delayMs: 60_000, times: 1000 });
    const r = startIn(w, BINARY, ['--kubeconfig', w.kubeconfig, ...sockArgs(w, c)]);
    await reachStageAndSignal(w, c, r, stage, sig, delayMs);
    const exit = await ended(r, what);
    // Passthrough: kubectl's own status once it ran (the run had become kubectl, which got the signal).
    // Native get and logs: what kubectl does at the same stage. proxy: kubectl proxy dies of the signal.
    const ran = c.passthrough ? kubectlStatus(w) : undefined;
    const native = !c.passthrough && !c.proxy && stage !== 'spawn' ? await oracleStatus(c, stage, sig, delayMs) : undefined;
    const want = (c.passthrough ? ran : native) ?? 128 + (constants.signals[sig] as number);
    // Before its handlers exist the process dies of the signal: the same status to a shell. Once it is
    // kubectl, it ends as kubectl does (dying of the signal, or exiting).
    if (stage !== 'spawn' && ran === undefined) assert.is(exit.signal, null, `${what}: handled, not killed by the signal`);
    assert.is(shellStatus(exit), want, `${what}: exit status (stderr: ${r.stderr()})`);
    // Ended by a signal, never "success" (kubectl's watch cut under it would end 0).
    assert.is.not(want, 0, `${what}: a signal does not end in success`);
    assert.is(r.stderr(), '', `${what}: nothing on stderr`);
    await assertNothingLeft(w, what);
  } finally {
    await w.api.close();
  }
}

for (const c of COMMANDS) {
  test(`${c.name} :: SIGINT/SIGTERM at each stage: the promised status, silent, nothing left behind`, async () => {
    // Signals and delays are drawn in order, before the runs start, so concurrency does not change them.
    const cases = c.stages.map((stage) => ({ stage, sig: pickSignal(), delayMs: Math.floor(rng() * 30) }));
    await pool(cases, 2, ({ stage, sig, delayMs }) => signalCase(c, stage, sig, delayMs));
  });
}

/** Runs `cmd`, closes its stdout after the first line as `| head -1` does, and keeps its stream going. */
async function withStdoutClosed(w: World, cmd: string, args: string[], what: string): Promise<{ exit: Exit; run: Run }> {
  const r = startIn(w, cmd, args);
  const stop = keepChanging(w);
  try {
    await r.firstLine;
    r.child.stdout?.destroy();
    return { exit: await ended(r, what), run: r };
  } finally {
    stop();
  }
}

const CLOSED_STDOUT: Command[] = COMMANDS.filter((c) => !c.proxy);

/** kubectl's status with its stdout closed after the first line, over TCP in a world of its own. */
async function oracleClosedStdout(c: Command): Promise<number> {
  const w = await makeWorld(false);
  try {
    const what = `kubectl ${c.name} | head -1`;
    return shellStatus((await withStdoutClosed(w, KUBECTL, ['--kubeconfig', w.kubeconfig, '--server', w.api.httpUrl as string, ...c.args], what)).exit);
  } finally {
    await w.api.close();
  }
}

test('closed stdout (`| head -1`) :: get, get -w, logs, logs -f end as kubectl does (141 once a write fails: Go dies of SIGPIPE), silent, nothing left', async () => {
  await pool(CLOSED_STDOUT, 2, async (c) => {
    const what = `${c.name} | head -1`;
    const w = await makeWorld(false);
    try {
      const { exit, run } = await withStdoutClosed(w, BINARY, ['--kubeconfig', w.kubeconfig, ...c.args], what);
      // Passthrough: the run is kubectl, which dies of SIGPIPE as Go programs do (141 to a shell);
      // native: the oracle's answer to a closed stdout.
      const want = c.passthrough ? kubectlStatus(w) : await oracleClosedStdout(c);
      assert.ok(want !== undefined, `${what}: kubectl ran`);
      if (!c.passthrough) assert.is(exit.signal, null, `${what}: not killed by a signal`);
      // kubectl ends a plain `logs` cut mid-stream with 1 or with SIGPIPE's 141 at random (measured:
      // 5 runs in 8 gave 1); kubectl-sock always says 141, as kubectl does for logs -f and get -w.
      if (c.name === 'logs' && want === 1) assert.is(shellStatus(exit), 141, `${what}: exit status (stderr: ${run.stderr()})`);
      else assert.is(shellStatus(exit), want, `${what}: exit status (stderr: ${run.stderr()})`);
      assert.is(run.stderr(), '', `${what}: nothing on stderr`);
      await assertNothingLeft(w, what);
    } finally {
      await w.api.close();
    }
  });
});

test('closed stdout :: proxy keeps serving; SIGTERM then ends it 143, and --expire-after 141 (its last line meets the closed pipe), its socket removed', async () => {
  for (const expire of [false, true]) {
    const what = `proxy${expire ? ' --expire-after=2s' : ''} | head -1`;
    const w = await makeWorld(false);
    try {
      const sock = join(w.sockDir, 'kube.sock');
      const r = startIn(w, BINARY, ['--kubeconfig', w.kubeconfig, 'proxy', `--unix-socket=${sock}`, ...(expire ? ['--expire-after=2s'] : [])]);
      await r.firstLine;
      r.child.stdout?.destroy();
      // Still serving with nobody reading its stdout: a watch through it gets its first event.
      (await watchThroughProxy(w))();
      if (!expire) r.child.kill('SIGTERM');
      const exit = await ended(r, what);
      // Expiry writes "Stopped serving on …" to the closed stdout: a write there ends the process as
      // Go's would, with SIGPIPE's 141; a signal before that, 143.
      assert.is(exit.code, expire ? 141 : 143, `${what}: exit code (stderr: ${r.stderr()})`);
      assert.is(r.stderr(), '', `${what}: nothing on stderr`);
      await assertNothingLeft(w, what);
    } finally {
      await w.api.close();
    }
  }
});

test.run();
