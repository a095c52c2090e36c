// The fault matrix's harness: a fresh fake API server per case (unix socket for
// kubectl sock, TCP for the kubectl oracle), processes marked so that every
// descendant can be found in /proc, and the checks every case ends with: no stack trace,
// no hang, and nothing left behind (temp files, socket files, child processes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type Fault, type K8sObject, type ListenerKind, type RecordedRequest } from '../../helpers/fake-apiserver.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { processesWithEnv } from '../../helpers/proc.ts';
import { BINARY, KUBECTL, cleanEnv } from '../../helpers/processes.ts';

/** One case's world: its own server, folder, HOME and TMPDIR. */
export interface CaseEnv {
  api: FakeApiServer;
  dir: string;
  home: string;
  /** The TMPDIR both programs get; it must be empty once they exited. */
  tmp: string;
  /** XDG_RUNTIME_DIR: where the passthrough's shared relay keeps its state (stopped when the case ends). */
  runtime: string;
  socketPath: string;
  /** Environment for kubectl sock and the oracle (the relay runs the oracle kubectl). */
  env: Record<string, string>;
  /** Arguments a case's server set-up adds for both programs (a CA, a token). */
  extraArgs: string[];
  /** Run when the case ends (extra servers it started). */
  cleanups: Array<() => Promise<void>>;
}

export function pod(name: string): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z') },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  };
}

export const LOG_LINES = Array.from({ length: 40 }, (_, i) => `log line ${String(i).padStart(2, '0')} ${'.'.repeat(30)}`);

export async function startCaseEnv(): Promise<CaseEnv> {
  const dir = tempDir('ksock-fault-');
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  const runtime = join(dir, 'run');
  mkdirSync(home);
  mkdirSync(tmp);
  mkdirSync(runtime, { mode: 0o700 });
  const socketPath = join(dir, 'api.sock');
  const api = await startFakeApiServer({ unixSocket: socketPath, tcp: true });
  for (const name of ['web', 'api']) api.addObject(pod(name));
  api.setLogs('default', 'web', 'app', LOG_LINES);
  return { api, dir, home, tmp, runtime, socketPath, env: { HOME: home, TMPDIR: tmp, XDG_RUNTIME_DIR: runtime, KUBECTL_SOCK_KUBECTL: KUBECTL }, extraArgs: [], cleanups: [] };
}

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A fault without its matcher, as a row names it. */
export type FaultSpec = Without<Fault, 'match'>;

/** A fault on one listener, for requests whose path and query match. */
export function on(listener: ListenerKind, url: RegExp, fault: FaultSpec): Fault {
  return { ...fault, match: (r: RecordedRequest) => r.listener === listener && url.test(r.url) } as Fault;
}

/** A started process, its output so far, and every process it started. */
export interface Tracked {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches; rejects when the process exits first or time runs out. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** NAME=VALUE in its environment, which every process it starts inherits. */
  marker: string;
}

let tracked = 0;

/** Starts a process (kubectl sock by default) with a hard timeout and a marker its descendants inherit. */
export function track(args: readonly string[], env: Record<string, string>, o: { cmd?: string; hardTimeoutMs?: number } = {}): Tracked {
  const started = Date.now();
  const marker = `KSOCK_FAULTS_RUN=${process.pid}-${++tracked}`;
  const [markName, markValue] = marker.split('=') as [string, string];
  const child = spawn(o.cmd ?? BINARY, args, { env: cleanEnv({ ...env, [markName]: markValue }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  const hard = setTimeout(() => child.kill('SIGKILL'), o.hardTimeoutMs ?? 30_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(hard);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
  return {
    child, marker, exited,
    stdout: () => out,
    stderr: () => err,
    async waitFor(re, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > until) {
          throw new Error(`stdout never matched ${re}:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Processes of the run (the marker's carriers) that still run a while after it exited. */
export async function leftoverProcesses(t: Tracked, graceMs = 3000): Promise<number[]> {
  const until = Date.now() + graceMs;
  for (;;) {
    const alive = processesWithEnv(t.marker);
    if (alive.length === 0 || Date.now() > until) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Socket files under a folder (a proxy's or a relay's that was not removed). */
export function socketFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSocket()) out.push(p);
    else if (st.isDirectory()) out.push(...socketFiles(p));
  }
  return out;
}

export { maskKlog } from '../get-fixture.ts';

/** stderr without klog lines: what the user reads as the error. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !/^[IWEF](\d{4} \d\d:\d\d:\d\d\.\d{6}|MMDD hh:mm:ss\.uuuuuu) /.test(l));
}

/** Why stderr looks like a crash rather than an error message, if it does. */
export function crashSign(stderr: string): string | undefined {
  if (/\n\s+at /.test(`\n${stderr}`)) return 'a stack frame';
  const dump = /^(?:Uncaught )?(?:\w*Error|Error)(?: \[\w+\])?: /m.exec(stderr);
  if (dump) return `a JS error dump (${dump[0].trim()})`;
  if (/node:internal|\/snapshot\//.test(stderr)) return 'a Node internal path';
  return undefined;
}

