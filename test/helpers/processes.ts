import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './kubeconfig-builder.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The built single binary: end-to-end tests run the artifact, not the sources. */
export const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
/**
 * The oracle: a real upstream kubectl. The machine's default `kubectl` is a
 * version-dispatching wrapper that answers some errors itself ("Error: unknown
 * flag" where kubectl says "error: unknown flag"), so prefer the plain 1.33 binary.
 */
export const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? firstExisting(['/usr/lib/google-cloud-sdk/bin/kubectl.1.33']) ?? 'kubectl';

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

let runtimeDir: string | undefined;

/**
 * This test process's XDG_RUNTIME_DIR: the shared relays its runs start keep
 * their state there, apart from every other test file's, and end by
 * themselves when it is removed at exit (a relay whose control socket is gone
 * is orphaned). `relay stop --all` with cleanEnv() ends them sooner.
 */
export function testRuntimeDir(): string {
  runtimeDir ??= tempDir('ksock-run-');
  return runtimeDir;
}

let home: string | undefined;

/**
 * This test process's HOME: a new, empty one, as a new user's. (HOME was
 * /nonexistent, which root creates: kubectl's discovery cache there outlived
 * every run, and a later server on a reused port was read from another's.)
 */
export function testHome(): string {
  home ??= tempDir('ksock-home-');
  return home;
}

/**
 * A minimal environment, so the developer's own kubeconfig never leaks into a
 * test; shared relays in this process's own runtime folder, ending after 5 s
 * without a client (a test that needs them longer says so).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['KSOCK_TEST_HOME'] ?? testHome(),
    LANG: 'C.UTF-8',
    XDG_RUNTIME_DIR: testRuntimeDir(),
    KUBECTL_SOCK_RELAY_IDLE_TIMEOUT: '5s',
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * What `kubectl sock version` prints before the server's line: its own client
 * version, then the Kustomize Version of the real kubectl it would run
 * (KUBECTL_SOCK_KUBECTL, else kubectl on PATH), as that kubectl reports it.
 */
export async function sockClientLines(env: Record<string, string | undefined> = {}): Promise<string> {
  const r = await run(env['KUBECTL_SOCK_KUBECTL'] ?? 'kubectl', ['version', '--client'], { env });
  const kustomize = r.stdout.split('\n').find((l) => l.startsWith('Kustomize Version: '));
  return `Client Version: v0.1.0\n${kustomize ? `${kustomize}\n` : ''}`;
}

/** Runs a command to completion and captures its output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: cleanEnv(opts.env), cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    // A child that exits without reading its stdin (make, a failing command) must not crash the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

export function sock(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  return run(BINARY, args, opts);
}

export function kubectl(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(KUBECTL, args, opts);
}

export interface Background {
  child: ChildProcess;
  /** The first line that matched `ready`. */
  line: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a long-running process and waits until a line of its output matches `ready`. */
export function startBackground(cmd: string, args: readonly string[], ready: RegExp, opts: RunOptions = {}): Promise<Background> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: cleanEnv(opts.env), cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let done = false;
    const timer = setTimeout(() => fail(new Error(`${cmd} did not become ready: ${output}`)), opts.timeoutMs ?? 20_000);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onData = (c: Buffer) => {
      output += c;
      const line = output.split('\n').find((l) => ready.test(l));
      if (line === undefined || done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        child,
        line,
        output: () => output,
        stop: (signal = 'SIGTERM') =>
          new Promise((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            child.once('close', () => res());
            child.kill(signal);
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', fail);
    child.on('close', (code) => fail(new Error(`${cmd} exited (${code}) before it was ready: ${output}`)));
  });
}

/** Real `kubectl proxy` in front of a server, on a unix socket or a TCP port. */
export async function startKubectlProxy(kubeconfig: string, where: { unixSocket: string } | { port: 0 }): Promise<Background & { address: string }> {
  const args = ['proxy', '--kubeconfig', kubeconfig];
  if ('unixSocket' in where) args.push(`--unix-socket=${where.unixSocket}`);
  else args.push('--port=0');
  const bg = await startBackground(KUBECTL, args, /^Starting to serve on /);
  return { ...bg, address: bg.line.replace('Starting to serve on ', '').trim() };
}
