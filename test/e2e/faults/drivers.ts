// How each command meets a fault: one-shot commands (get, logs, the passthrough
// relay) run once against the faulty server, next to real kubectl on TCP as
// the oracle; watches and follows run until the fault and are then resumed or
// ended; the proxy stands between a client and the faulty server.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Fault, ListenerKind } from '../../helpers/fake-apiserver.ts';
import { KUBECTL } from '../../helpers/processes.ts';
import { LOG_LINES, maskKlog, pod, track, type CaseEnv, type Tracked } from './fixture.ts';

export type Command = 'get' | 'get -w' | 'logs' | 'logs -f' | 'proxy' | 'passthrough';

/** What a case expects of kubectl sock. */
export type Expect =
  /** The same stdout, stderr (klog stamps masked) and exit code as kubectl over TCP with the same fault. */
  | { oracle: true }
  /** An error: one line matching, exit 1 (or `code`). */
  | { error: RegExp; code?: number }
  /** A watch or follow that resumes: every object or line exactly once, then Ctrl-C ends it (130). */
  | { resumed: true }
  /** Success with exactly this output (where kubectl is too slow to be the oracle, as for 100 MiB of JSON). */
  | { stdout: string };

/** One row of the matrix. */
export interface Row {
  command: Command;
  fault: string;
  /** The faults for the listener a program uses ('unix' for kubectl sock, 'tcp' for the oracle). */
  faults?: (l: ListenerKind, env: CaseEnv) => Fault[];
  /** --server for kubectl sock and for the oracle, when not the case's own listeners. */
  server?: (env: CaseEnv) => Promise<{ sock: string; kubectl: string }> | { sock: string; kubectl: string };
  /** Extra arguments for both. */
  args?: string[];
  /** The command line instead of the command's usual one (a leading `--` is kubectl sock's alone). */
  argv?: string[];
  /** A ceiling on the requests per second kubectl sock's side sends for the fault's target (a storm's check). */
  maxPerSecond?: { target: RegExp; perSecond: number };
  /** Done while kubectl sock runs (e.g. the socket file disappears). */
  during?: (env: CaseEnv, t: Tracked) => Promise<void>;
  expect: Expect;
}

/** What a case produced, for the checks in the matrix. */
export interface Outcome {
  ours: { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null; ms: number };
  theirs?: { stdout: string; stderr: string; code: number | null; ms: number };
  /** Every process whose leftovers must be checked. */
  tracked: Tracked[];
  /** A problem seen along the way that is not about the final output. */
  problems: string[];
}

const BASE: Record<Command, string[]> = {
  'get': ['get', 'pods'],
  'get -w': ['get', 'pods', '-w'],
  'logs': ['logs', 'web'],
  'logs -f': ['logs', '-f', 'web', '--pod-running-timeout=3s'],
  'proxy': ['get', 'pods'],
  'passthrough': ['describe', 'pod', 'web'],
};

function servers(row: Row, env: CaseEnv): Promise<{ sock: string; kubectl: string }> {
  return Promise.resolve(row.server ? row.server(env) : { sock: env.api.unixUrl as string, kubectl: env.api.httpUrl as string });
}

function inject(row: Row, env: CaseEnv, l: ListenerKind): void {
  env.api.faults.push(...(row.faults?.(l, env) ?? []));
}

export async function runRow(row: Row, env: CaseEnv): Promise<Outcome> {
  // A watch that ends by itself (as kubectl's does on a body that is not a watch stream) runs as a one-shot, beside kubectl.
  if ((row.command === 'get -w' || row.command === 'logs -f') && !('oracle' in row.expect)) return runStreaming(row, env);
  if (row.command === 'proxy') return runThroughProxy(row, env);
  return runOneShot(row, env);
}

async function finish(t: Tracked): Promise<Outcome['ours']> {
  const r = await t.exited;
  return { stdout: t.stdout(), stderr: maskKlog(t.stderr()), ...r };
}

async function oracle(args: string[], env: CaseEnv): Promise<Outcome['theirs']> {
  const t = track(args, env.env, { cmd: KUBECTL, hardTimeoutMs: 40_000 });
  const r = await finish(t);
  return { stdout: r.stdout, stderr: r.stderr, code: r.code, ms: r.ms };
}

async function runOneShot(row: Row, env: CaseEnv): Promise<Outcome> {
  const s = await servers(row, env);
  inject(row, env, 'unix');
  inject(row, env, 'tcp');
  const args = [...(row.argv ?? BASE[row.command]), ...env.extraArgs, ...(row.args ?? [])];
  const t = track(['--server', s.sock, ...args], env.env);
  const theirs = 'oracle' in row.expect ? oracle(['--server', s.kubectl, ...(args[0] === '--' ? args.slice(1) : args)], env) : undefined;
  const problems: string[] = [];
  if (row.during) await row.during(env, t).catch((err: Error) => problems.push(`during: ${err.message}`));
  return { ours: await finish(t), ...(theirs ? { theirs: await theirs } : {}), tracked: [t], problems };
}

/** Resolves once the server saw `n` requests matching. */
export async function requestsSeen(env: CaseEnv, re: RegExp, n: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (env.api.requests.filter((r) => r.listener === 'unix' && re.test(r.url)).length < n) {
    if (Date.now() > until) throw new Error(`the server never saw ${n} requests matching ${re}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FOLLOW = /\/log\?.*follow=true/;
const WATCH = /watch=true/;

/** get -w and logs -f: the fault hits the stream; a resumable one must carry on, the rest end with an error. */
async function runStreaming(row: Row, env: CaseEnv): Promise<Outcome> {
  const s = await servers(row, env);
  inject(row, env, 'unix');
  const t = track(['--server', s.sock, ...BASE[row.command], ...env.extraArgs, ...(row.args ?? [])], env.env, { hardTimeoutMs: 45_000 });
  const problems: string[] = [];
  const watch = row.command === 'get -w';
  try {
    if (row.during) await row.during(env, t);
    if ('resumed' in row.expect) {
      // The stream broke once; a second request resumes it. What changes afterwards must show.
      if (watch) {
        // The watch carries nothing until something changes: a change is what meets a cut.
        await t.waitFor(/^web /m);
        env.api.addObject(pod('added-after-the-fault'));
        await requestsSeen(env, WATCH, 2);
        await t.waitFor(/^added-after-the-fault /m);
      } else {
        await requestsSeen(env, FOLLOW, 2);
        await t.waitFor(new RegExp(`${LOG_LINES.at(-1)}\n`));
        env.api.appendLogs('default', 'web', 'app', ['appended after the fault']);
        await t.waitFor(/appended after the fault\n/);
      }
      t.child.kill('SIGINT');
    }
  } catch (err) {
    problems.push((err as Error).message);
    t.child.kill('SIGINT');
  }
  return { ours: await finish(t), tracked: [t], problems };
}

/**
 * kubectl sock proxy between kubectl sock and the faulty server, next to real
 * kubectl proxy between kubectl and the same fault; afterwards the proxy must
 * still serve, and SIGTERM must end it cleanly with its socket removed.
 */
async function runThroughProxy(row: Row, env: CaseEnv): Promise<Outcome> {
  const s = await servers(row, env);
  const proxySock = join(env.dir, 'proxy.sock');
  const ours = track(['proxy', `--unix-socket=${proxySock}`, '--server', s.sock, ...env.extraArgs], env.env, { hardTimeoutMs: 60_000 });
  const theirs = track(['proxy', '--port=0', '--server', s.kubectl, ...env.extraArgs], env.env, { cmd: KUBECTL, hardTimeoutMs: 60_000 });
  const problems: string[] = [];
  const tracked = [ours, theirs];
  try {
    await Promise.all([ours.waitFor(/^Starting to serve on /m), theirs.waitFor(/^Starting to serve on /m)]);
    const port = /127\.0\.0\.1:(\d+)/.exec(theirs.stdout())?.[1] ?? '0';
    inject(row, env, 'unix');
    inject(row, env, 'tcp');
    const args = [...BASE.proxy, ...(row.args ?? [])];
    const client = track(['--server', `unix://${proxySock}`, ...args], env.env);
    tracked.push(client);
    const oracleRun = 'oracle' in row.expect ? oracle(['--server', `http://127.0.0.1:${port}`, ...args], env) : undefined;
    if (row.during) await row.during(env, client);
    const result = await finish(client);
    const theirResult = await oracleRun;
    await stillServes(proxySock, problems);
    ours.child.kill('SIGTERM');
    const end = await ours.exited;
    if (end.code !== 143) problems.push(`proxy exit code after SIGTERM: ${end.code} ${end.signal ?? ''}`);
    const proxyErr = maskKlog(ours.stderr()).split('\n').filter((l) => l !== '' && !/^E.* Error while proxying request: /.test(l));
    if (proxyErr.length > 0) problems.push(`proxy stderr: ${JSON.stringify(proxyErr)}`);
    return { ours: result, ...(theirResult ? { theirs: theirResult } : {}), tracked, problems };
  } finally {
    for (const t of [ours, theirs]) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGTERM');
    await Promise.all([ours.exited, theirs.exited]);
  }
}

/** The proxy still answers HTTP on its socket (any status: its upstream may be gone). */
function stillServes(socketPath: string, problems: string[]): Promise<void> {
  return new Promise((resolve) => {
    const c = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '--unix-socket', socketPath, 'http://x/version']);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', () => {
      if (!/^\d{3}$/.test(out) || out === '000') problems.push(`proxy no longer serves after the fault (curl: ${out})`);
      resolve();
    });
  });
}

/** The case's socket file disappears: the server stops and its file is removed. */
export async function socketGone(env: CaseEnv): Promise<void> {
  await env.api.close({ abrupt: true });
  rmSync(env.socketPath, { force: true });
}
