// The worlds test/e2e/signals.test.ts runs commands in: a fake API server, a
// kubeconfig (maybe a FIFO), a TMPDIR and a socket folder of their own, a marker
// every process of the run carries, and a recorder standing in for kubectl.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants as fsConstants, type FileHandle, open } from 'node:fs/promises';
import { request } from 'node:http';
import { constants } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../helpers/fake-apiserver.ts';
import { generatedLog } from '../helpers/fake-apiserver/generated-log.ts';
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
const RECORDER_SCRIPT = `#!${process.execPath}
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

let recorder: string | undefined;

/** The recorder, written once per test process. */
function recorderPath(): string {
  if (recorder === undefined) {
    recorder = join(tempDir('ksock-sig-recorder-'), 'kubectl');
    writeFileSync(recorder, RECORDER_SCRIPT, { mode: 0o755 });
  }
  return recorder;
}

/** How a shell reports a process: its exit code, or 128 + the number of the signal that killed it. */
export const shellStatus = (r: Exit): number => r.code ?? 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0);
/** A command must end this soon after its signal; only a hang comes near it. */
export const END_TIMEOUT_MS = 15_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function pod(name: string, tick = 0): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', labels: { tick: String(tick) } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running' },
  };
}

/** One run's world: its own API server, folders, kubeconfig, and a marker its processes carry. */
export interface World {
  dir: string;
  api: FakeApiServer;
  kubeconfig: string;
  kubeconfigText: string;
  /** TMPDIR of the command: the passthrough must leave nothing here. */
  tmp: string;
  /** XDG_RUNTIME_DIR of the command: the shared relay's state, and the relay a passthrough run leaves running. */
  runtime: string;
  /** The private folder of the proxy's socket. */
  sockDir: string;
  marker: string;
  /** Where the passthrough's kubectl wrote how it ended (absent: it never ran). */
  kubectlStatus: string;
}

let worlds = 0;

export async function makeWorld(fifo: boolean): Promise<World> {
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
  const runtime = join(dir, 'run');
  for (const d of [tmp, sockDir, runtime]) mkdirSync(d, { mode: 0o700 });
  return { dir, api, kubeconfig, kubeconfigText, tmp, runtime, sockDir, marker: `KSOCK_SIGNALS_RUN=${process.pid}-${++worlds}`, kubectlStatus: join(dir, 'kubectl-status.json') };
}

export interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds a complete line. */
  firstLine: Promise<void>;
  exited: Promise<Exit>;
}

export function startIn(w: World, cmd: string, args: string[], env: Record<string, string> = {}): Run {
  const [k, v] = w.marker.split('=') as [string, string];
  const child = spawn(cmd, args, {
    env: cleanEnv({ TMPDIR: w.tmp, XDG_RUNTIME_DIR: w.runtime, KUBECTL_SOCK_KUBECTL: recorderPath(), REAL_KUBECTL: KUBECTL, KUBECTL_STATUS_FILE: w.kubectlStatus, [k]: v, ...env }),
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

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Within END_TIMEOUT_MS, or the process is killed and the run fails as a hang. */
export async function ended(r: Run, what: string): Promise<Exit> {
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
export function watchThroughProxy(w: World): Promise<() => void> {
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
export function requestThroughProxy(w: World): void {
  const req = request({ socketPath: join(w.sockDir, 'kube.sock'), path: '/api/v1/namespaces/default/pods', headers: { host: 'localhost' } }, (res) => res.resume());
  req.on('error', () => undefined);
  req.end();
}

/** Opens the kubeconfig FIFO for writing: this returns once the command has opened it to read. */
export async function openFifoForWriting(w: World, r: Run): Promise<FileHandle> {
  const opening = open(w.kubeconfig, 'w');
  const gone = r.exited.then(async () => {
    // Release the pending open, so this process can end too.
    await (await open(w.kubeconfig, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)).close();
    throw new Error(`the command ended before reading its kubeconfig: ${r.stderr()}`);
  });
  return Promise.race([opening, gone]);
}

/** How the passthrough's kubectl ended, as a shell reports it; undefined when it never ran. */
export function kubectlStatus(w: World): number | undefined {
  if (!existsSync(w.kubectlStatus)) return undefined;
  return shellStatus(JSON.parse(readFileSync(w.kubectlStatus, 'utf8')) as Exit);
}

/**
 * What must be gone once the command ended: its children, its temporary
 * files, its socket. The shared relay a passthrough run started outlives it
 * by design: it is stopped first, and must then end with nothing left either.
 */
export async function assertNothingLeft(w: World, what: string): Promise<void> {
  const stop = spawnSync(BINARY, ['relay', 'stop', '--all'], { env: cleanEnv({ XDG_RUNTIME_DIR: w.runtime }), encoding: 'utf8' });
  assert.is(stop.status, 0, `${what}: relay stop --all: ${stop.stderr}`);
  const until = Date.now() + 3000;
  while (processesWithEnv(w.marker).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(processesWithEnv(w.marker), [], `${what}: no process of the run is left (kubectl child, relay)`);
  assert.equal(readdirSync(w.tmp), [], `${what}: TMPDIR is empty`);
  assert.equal(readdirSync(w.sockDir), [], `${what}: the socket and its private folder are removed`);
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
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

/** Keeps a stream going: the pods change and app-0's log grows, every 50 ms. */
export function keepChanging(w: World): () => void {
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    w.api.updateObject(pod('app-0', tick));
    w.api.appendLogs('default', 'app-0', 'app', [`line ${tick}`]);
  }, 50);
  return () => clearInterval(timer);
}
