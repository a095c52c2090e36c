// `kubectl sock serve` for end-to-end tests: its config file, the built binary
// started in the background, waiting for its lines, and clients run as another
// local user (setpriv), as the owners of the sockets would run them.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './kubeconfig-builder.ts';
import { BINARY, run, startBackground, type Background, type RunOptions, type RunResult } from './processes.ts';

/** nobody, and a second unprivileged uid with no passwd entry: the owners of test sockets. */
export const NOBODY = 65534;
export const STRANGER = 65533;

/** A folder the socket owners may enter (0755, root's), under a sticky /tmp. */
export function socketsDir(prefix = 'ksock-serve-'): string {
  const dir = tempDir(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

/** Writes a ServeConfig with these socket entries. */
export function writeServeConfig(path: string, sockets: Array<Record<string, unknown>>): string {
  writeFileSync(path, stringify({ apiVersion: 'sock.kubectl.io/v1alpha1', kind: 'ServeConfig', sockets }));
  return path;
}

export interface Serve extends Background {
  dir: string;
  control: string;
  stateFile: string;
  /** Sends SIGHUP and waits for the reload's summary line (or its error line). */
  reload(): Promise<string>;
  /** Waits until the output has `re` matched `count` times in all; returns the last matching line. */
  waitFor(re: RegExp, count?: number, timeoutMs?: number): Promise<string>;
  /** The binary with these arguments, against this server's control socket. */
  ctl(args: string[], opts?: RunOptions): Promise<RunResult>;
}

/**
 * Starts `kubectl sock serve` with the kubeconfig and config; resolves once it announced it serves.
 * `nofile`: the server's limit of open files (prlimit), to run it out of descriptors quickly.
 */
export async function startServe(kubeconfig: string, config: string, extra: string[] = [], dir = tempDir('ksock-serve-state-'), nofile?: number): Promise<Serve> {
  const control = join(dir, 'control', 'serve.sock');
  const stateFile = join(dir, 'grants.yaml');
  const args = ['serve', '--kubeconfig', kubeconfig, '--config', config, '--control-socket', control, '--state-file', stateFile, ...extra];
  const [cmd, argv] = nofile === undefined ? [BINARY, args] : ['prlimit', [`--nofile=${nofile}:${nofile}`, BINARY, ...args]];
  const bg = await startBackground(cmd, argv, /^Serving \d+ sockets? from /, { timeoutMs: 60_000 });
  const waitFor = (re: RegExp, count = 1, timeoutMs = 10_000) => waitForLine(bg, re, count, timeoutMs);
  return {
    ...bg, dir, control, stateFile, waitFor,
    async reload() {
      const done = /^(Reloaded |E\d{4} [\d:.]+ +\d+ serve\.ts\] reloading )/;
      const before = countMatches(bg.output(), done);
      bg.child.kill('SIGHUP');
      return waitFor(done, before + 1);
    },
    ctl: (more, opts) => run(BINARY, [...more, '--control-socket', control], opts),
  };
}

function countMatches(text: string, re: RegExp): number {
  return text.split('\n').filter((l) => re.test(l)).length;
}

function waitForLine(bg: Background, re: RegExp, count: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    const check = () => {
      const lines = bg.output().split('\n').filter((l) => re.test(l));
      if (lines.length >= count) return ok(lines[count - 1] as string);
      if (Date.now() > deadline) return fail(new Error(`no ${count}th line matching ${re} within ${timeoutMs} ms; output:\n${bg.output()}`));
      setTimeout(check, 20);
    };
    check();
  });
}

/** The binary run as another local user (uid and gid `uid`, no supplementary groups), with its own HOME. */
export function runAs(uid: number, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const home = join(tempDir(`ksock-home-${uid}-`));
  mkdirSync(join(home, '.kube'), { recursive: true });
  chmodSync(home, 0o777);
  chmodSync(join(home, '.kube'), 0o777);
  // The user's own runtime folder (0700, theirs), as a login session has: a passed-through verb starts that user's shared relay there.
  const runtime = tempDir(`ksock-run-${uid}-`);
  chownSync(runtime, uid, uid);
  chmodSync(runtime, 0o700);
  return run('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', BINARY, ...args], { ...opts, env: { HOME: home, XDG_RUNTIME_DIR: runtime, ...opts.env } });
}

/** A revocation-probe.ts process holding a watch on each socket; revoke() revokes and resolves with the time until the last closed. */
export async function startRevocationProbe(how: { control: string; target: string } | { kill: number }, sockets: readonly string[]): Promise<{ revoke(): Promise<number> }> {
  const args = 'kill' in how ? ['--kill', String(how.kill)] : ['--control', how.control, '--target', how.target];
  const child = spawn(process.execPath, [join(import.meta.dirname, 'revocation-probe.ts'), ...args, ...sockets], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const line = (re: RegExp) => new Promise<string>((ok, fail) => {
    const check = () => {
      const hit = out.split('\n').find((l) => re.test(l));
      if (hit !== undefined) return ok(hit);
      if (child.exitCode !== null) return fail(new Error(`the revocation probe exited: ${out}`));
      setTimeout(check, 10);
    };
    check();
  });
  await line(/^held$/);
  return {
    async revoke() {
      child.stdin.write('go\n');
      return (JSON.parse(await line(/^\{/)) as { cutMs: number }).cutMs;
    },
  };
}
