// The fault matrix's harness: a fresh fake API server per case (unix socket for
// kubectl sock, TCP for the kubectl oracle), processes whose descendants are
// tracked through /proc, and the checks every case ends with: no stack trace,
// no hang, and nothing left behind (temp files, socket files, child processes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type Fault, type K8sObject, type ListenerKind, type RecordedRequest } from '../../helpers/fake-apiserver.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv } from '../../helpers/processes.ts';

/** One case's world: its own server, folder, HOME and TMPDIR. */
export interface CaseEnv {
  api: FakeApiServer;
  dir: string;
  home: string;
  /** The TMPDIR both programs get; it must be empty once they exited. */
  tmp: string;
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
  mkdirSync(home);
  mkdirSync(tmp);
  const socketPath = join(dir, 'api.sock');
  const api = await startFakeApiServer({ unixSocket: socketPath, tcp: true });
  for (const name of ['web', 'api']) api.addObject(pod(name));
  api.setLogs('default', 'web', 'app', LOG_LINES);
  return { api, dir, home, tmp, socketPath, env: { HOME: home, TMPDIR: tmp, KUBECTL_SOCK_KUBECTL: KUBECTL }, extraArgs: [], cleanups: [] };
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
  /** Descendants seen while it ran: pid → start time (so a reused pid is not mistaken for one). */
  descendants: Map<number, string>;
}

/** Starts a process (kubectl sock by default) with a hard timeout, tracking its descendants through /proc. */
export function track(args: readonly string[], env: Record<string, string>, o: { cmd?: string; hardTimeoutMs?: number } = {}): Tracked {
  const started = Date.now();
  const child = spawn(o.cmd ?? BINARY, args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  const descendants = new Map<number, string>();
  const watched = { root: child.pid, seen: descendants };
  watching.add(watched);
  scanner ??= setInterval(scanAll, 100);
  const hard = setTimeout(() => child.kill('SIGKILL'), o.hardTimeoutMs ?? 30_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) => {
    child.on('close', (code, signal) => {
      watching.delete(watched);
      if (watching.size === 0 && scanner) {
        clearInterval(scanner);
        scanner = undefined;
      }
      clearTimeout(hard);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
  return {
    child, descendants, exited,
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

function statOf(pid: number): { ppid: number; start: string } | undefined {
  try {
    // comm may hold spaces and parentheses; the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19] as string };
  } catch {
    return undefined;
  }
}

/** The running processes whose descendants are being recorded; one scan of /proc serves them all. */
const watching = new Set<{ root: number | undefined; seen: Map<number, string> }>();
let scanner: NodeJS.Timeout | undefined;

function scanAll(): void {
  const stats = new Map<number, { ppid: number; start: string }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = statOf(pid);
    if (s) stats.set(pid, s);
  }
  for (const w of watching) {
    if (w.root === undefined) continue;
    // Parents before children: repeat until no new descendant turns up.
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, s] of stats) {
        if (pid === w.root || w.seen.has(pid)) continue;
        if (s.ppid === w.root || w.seen.has(s.ppid)) {
          w.seen.set(pid, s.start);
          grew = true;
        }
      }
    }
  }
}

/** Descendants that still run (same pid, same start time) a while after their parent exited. */
export async function leftoverProcesses(t: Tracked, graceMs = 3000): Promise<number[]> {
  const until = Date.now() + graceMs;
  for (;;) {
    const alive = [...t.descendants].filter(([pid, start]) => statOf(pid)?.start === start).map(([pid]) => pid);
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

/** A small deterministic PRNG (mulberry32) for the fuzzed cut points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
