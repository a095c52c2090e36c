// Signals and pipes: every long-lived command (get, get -w, logs, logs -f, proxy,
// and kubectl itself through passthrough) is sent SIGINT or SIGTERM at each stage
// of its life, or has its stdout closed early (`| head -1`). It must end with the
// exit status it promises (130/143 as a shell reports a death by that signal;
// passthrough: kubectl's own; 0 for a closed stdout, as main.ts promises), print
// nothing (no stack trace, no error), and leave nothing behind: no socket file,
// no temporary kubeconfig in TMPDIR, no kubectl child. The signal and the delays
// come from a seeded generator, so `make test` runs the same cases every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants as fsConstants, type FileHandle, open } from 'node:fs/promises';
import { request } from 'node:http';
import { constants } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../helpers/fake-apiserver.ts';
import { generatedLog } from '../helpers/fake-apiserver/generated-log.ts';
import { seededRandom } from '../helpers/fuzz.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { processesWithEnv } from '../helpers/proc.ts';
import { BINARY, KUBECTL, cleanEnv } from '../helpers/processes.ts';

/**
 * Stands in for kubectl in passthrough runs: runs the real one, passes SIGINT and
 * SIGTERM on, writes how it ended to $KUBECTL_STATUS_FILE, and ends the same way
 * (dying of the same signal). kubectl's own answer to a signal depends on where
 * it is (a running watch exits 1, elsewhere it dies of it), so passthrough is
 * held to what kubectl did in the same run.
 */
const RECORDER = `#!${process.execPath}
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const child = spawn(process.env.REAL_KUBECTL, process.argv.slice(2), { stdio: 'inherit' });
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => {
  writeFileSync(process.env.KUBECTL_STATUS_FILE, JSON.stringify({ code, signal }));
  if (!signal) process.exit(code);
  // Node ignores SIGPIPE; a listener added and removed puts back the default, so it kills as kubectl's did.
  process.on(signal, () => undefined);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
`;
let recorder: string;

const rng = seededRandom(9);
const pickSignal = (): NodeJS.Signals => (rng() < 0.5 ? 'SIGINT' : 'SIGTERM');
/** How a shell reports a process: its exit code, or 128 + the number of the signal that killed it. */
const shellStatus = (r: Exit): number => r.code ?? 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0);
/** A command must end this soon after its signal; only a hang comes near it. */
const END_TIMEOUT_MS = 15_000;

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

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function pod(name: string, tick = 0): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', labels: { tick: String(tick) } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running' },
  };
}

/** One run's world: its own API server, folders, kubeconfig, and a marker its processes carry. */
interface World {
  dir: string;
  api: FakeApiServer;
  kubeconfig: string;
  kubeconfigText: string;
  /** TMPDIR of the command: passthrough's temporary kubeconfig goes here. */
  tmp: string;
  /** The private folder of the proxy's socket. */
  sockDir: string;
  marker: string;
  /** Where the passthrough's kubectl wrote how it ended (absent: it never ran). */
  kubectlStatus: string;
}

let worlds = 0;

async function makeWorld(fifo: boolean): Promise<World> {
  const dir = tempDir('ksock-sig-');
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  for (let i = 0; i < 3; i++) api.addObject(pod(`app-${i}`));
  api.setLogs('default', 'app-0', 'app', ['first line', 'second line']);
  api.addObject(pod('big'));
  api.setLogs('default', 'big', 'app', generatedLog(32 << 20));
  const kubeconfig = join(dir, 'kubeconfig');
  const kubeconfigText = kc()
    .cluster('fake', { server: `unix://${join(dir, 'api.sock')}` })
    .user('me', {})
    .context('fake', { cluster: 'fake', user: 'me', namespace: 'default' })
    .current('fake')
    .yaml();
  if (fifo) execFileSync('mkfifo', ['-m', '0600', kubeconfig]);
  else writeFileSync(kubeconfig, kubeconfigText);
  const tmp = join(dir, 'tmp');
  const sockDir = join(dir, 'sock');
  mkdirSync(tmp, { mode: 0o700 });
  mkdirSync(sockDir, { mode: 0o700 });
  return { dir, api, kubeconfig, kubeconfigText, tmp, sockDir, marker: `KSOCK_SIGNALS_RUN=${process.pid}-${++worlds}`, kubectlStatus: join(dir, 'kubectl-status.json') };
}

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds a complete line. */
  firstLine: Promise<void>;
  exited: Promise<Exit>;
}

function startIn(w: World, cmd: string, args: string[], env: Record<string, string> = {}): Run {
  const [k, v] = w.marker.split('=') as [string, string];
  const child = spawn(cmd, args, {
    env: cleanEnv({ TMPDIR: w.tmp, KUBECTL_SOCK_KUBECTL: recorder, REAL_KUBECTL: KUBECTL, KUBECTL_STATUS_FILE: w.kubectlStatus, [k]: v, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let lineSeen: () => void = () => undefined;
  const firstLine = new Promise<void>((r) => (lineSeen = r));
  child.stdout?.on('data', (c) => {
    out += c;
    if (out.includes('\n')) lineSeen();
  });
  child.stderr?.on('data', (c) => (err += c));
  const exited = new Promise<Exit>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, firstLine, exited };
}

function sockArgs(w: World, c: Command): string[] {
  return c.proxy ? ['proxy', `--unix-socket=${join(w.sockDir, 'kube.sock')}`] : c.args;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Within END_TIMEOUT_MS, or the process is killed and the run fails as a hang. */
async function ended(r: Run, what: string): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Exit>((_, fail) => {
    timer = setTimeout(() => {
      r.child.kill('SIGKILL');
      fail(new Error(`${what}: still running ${END_TIMEOUT_MS} ms after its signal\nstdout: ${r.stdout().slice(0, 500)}\nstderr: ${r.stderr()}`));
    }, END_TIMEOUT_MS);
  });
  try {
    return await Promise.race([r.exited, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A watch through the proxy's socket, resolved once its first event arrived. */
function watchThroughProxy(w: World): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: join(w.sockDir, 'kube.sock'), path: '/api/v1/namespaces/default/pods?watch=1', headers: { host: 'localhost' } }, (res) => {
      res.once('data', () => resolve(() => req.destroy()));
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request through the proxy's socket that the API server will hold (its answer never matters). */
function requestThroughProxy(w: World): void {
  const req = request({ socketPath: join(w.sockDir, 'kube.sock'), path: '/api/v1/namespaces/default/pods', headers: { host: 'localhost' } }, (res) => res.resume());
  req.on('error', () => undefined);
  req.end();
}

test.before(() => {
  recorder = join(tempDir('ksock-sig-recorder-'), 'kubectl');
  writeFileSync(recorder, RECORDER, { mode: 0o755 });
});

/** Opens the kubeconfig FIFO for writing: this returns once the command has opened it to read. */
async function openFifoForWriting(w: World, r: Run): Promise<FileHandle> {
  const opening = open(w.kubeconfig, 'w');
  const gone = r.exited.then(async () => {
    // Release the pending open, so this process can end too.
    await (await open(w.kubeconfig, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)).close();
    throw new Error(`the command ended before reading its kubeconfig: ${r.stderr()}`);
  });
  return Promise.race([opening, gone]);
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
    await fh.writeFile(w.kubeconfigText);
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

/** How the passthrough's kubectl ended, as a shell reports it; undefined when it never ran. */
function kubectlStatus(w: World): number | undefined {
  if (!existsSync(w.kubectlStatus)) return undefined;
  return shellStatus(JSON.parse(readFileSync(w.kubectlStatus, 'utf8')) as Exit);
}

/** What must be gone once the command ended: its children, its temporary files, its socket. */
function assertNothingLeft(w: World, what: string): void {
  assert.equal(processesWithEnv(w.marker), [], `${what}: no process of the run is left (kubectl child)`);
  assert.equal(readdirSync(w.tmp), [], `${what}: TMPDIR is empty (temporary kubeconfig removed)`);
  assert.equal(readdirSync(w.sockDir), [], `${what}: the socket and its private folder are removed`);
}

async function signalCase(c: Command, stage: Stage, sig: NodeJS.Signals, delayMs: number): Promise<void> {
  const what = `${c.name} / ${stage} / ${sig}`;
  const w = await makeWorld(stage === 'config');
  try {
    if (stage === 'request' && !c.proxy) w.api.faults.push({ kind: 'slow', delayMs: 60_000, times: 1000 });
    const r = startIn(w, BINARY, ['--kubeconfig', w.kubeconfig, ...sockArgs(w, c)]);
    await reachStageAndSignal(w, c, r, stage, sig, delayMs);
    const exit = await ended(r, what);
    // Passthrough: kubectl's own status once it ran (the signal was passed on to it).
    const want = (c.passthrough ? kubectlStatus(w) : undefined) ?? 128 + (constants.signals[sig] as number);
    // Before its handlers exist the process dies of the signal: the same status to a shell.
    if (stage !== 'spawn') assert.is(exit.signal, null, `${what}: handled, not killed by the signal`);
    assert.is(shellStatus(exit), want, `${what}: exit status (stderr: ${r.stderr()})`);
    // Ended by a signal, never "success" (kubectl's watch cut under it would end 0).
    assert.is.not(want, 0, `${what}: a signal does not end in success`);
    assert.is(r.stderr(), '', `${what}: nothing on stderr`);
    assertNothingLeft(w, what);
  } finally {
    await w.api.close();
  }
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((err: unknown) => errors.push(err));
    }
  }));
  if (errors.length > 0) throw errors[0];
}

for (const c of COMMANDS) {
  test(`${c.name} :: SIGINT/SIGTERM at each stage: the promised status, silent, nothing left behind`, async () => {
    // Signals and delays are drawn in order, before the runs start, so concurrency does not change them.
    const cases = c.stages.map((stage) => ({ stage, sig: pickSignal(), delayMs: Math.floor(rng() * 30) }));
    await pool(cases, 2, ({ stage, sig, delayMs }) => signalCase(c, stage, sig, delayMs));
  });
}

/** Keeps a stream going: the pods change and app-0's log grows, every 50 ms. */
function keepChanging(w: World): () => void {
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    w.api.updateObject(pod('app-0', tick));
    w.api.appendLogs('default', 'app-0', 'app', [`line ${tick}`]);
  }, 50);
  return () => clearInterval(timer);
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

test('closed stdout (`| head -1`) :: get, get -w, logs, logs -f end 0, silent, nothing left; passthrough ends as kubectl does', async () => {
  await pool(CLOSED_STDOUT, 2, async (c) => {
    const what = `${c.name} | head -1`;
    const w = await makeWorld(false);
    try {
      const { exit, run } = await withStdoutClosed(w, BINARY, ['--kubeconfig', w.kubeconfig, ...c.args], what);
      // Passthrough: kubectl's own answer to a closed stdout (Go dies of SIGPIPE), as a shell reports it.
      const want = c.passthrough ? kubectlStatus(w) : 0;
      assert.ok(want !== undefined, `${what}: kubectl ran`);
      assert.is(exit.signal, null, `${what}: not killed by a signal`);
      assert.is(exit.code, want, `${what}: exit code (stderr: ${run.stderr()})`);
      assert.is(run.stderr(), '', `${what}: nothing on stderr`);
      assertNothingLeft(w, what);
    } finally {
      await w.api.close();
    }
  });
});

test('closed stdout :: proxy keeps serving; SIGTERM then ends it 143, and --expire-after 0, its socket removed', async () => {
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
      assert.is(exit.code, expire ? 0 : 143, `${what}: exit code (stderr: ${r.stderr()})`);
      assert.is(r.stderr(), '', `${what}: nothing on stderr`);
      assertNothingLeft(w, what);
    } finally {
      await w.api.close();
    }
  }
});

test.run();
