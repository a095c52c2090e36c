// kubectl's own CLI suite (test/cmd/ + hack/lib/ of k8s.io/kubernetes@v1.33.1,
// read in place from the Go module cache) run against the project's real
// control plane: once with kubectl-sock standing in for `kubectl` over a unix
// socket (`kubectl sock proxy --unix-socket` holds the admin credentials), once
// with the real kubectl.1.33 over TLS (the control run). See README.md here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CONTROL_PLANE_SCRIPT, startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { BINARY, KUBECTL, ROOT, startBackground, type Background } from '../helpers/processes.ts';

export const SUITE_DIR = import.meta.dirname;
export type Mode = 'sock' | 'kubectl';

/** One function's outcome in one run. */
export interface FunctionResult {
  name: string;
  passed: boolean;
  seconds: number;
  /** The first failing assertion (or the command that stopped the function), one line. */
  firstFailure: string;
  log: string;
}

const CACHE = process.env['KUBECTL_SOCK_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'kubectl-sock');

/**
 * The module folder of k8s.io/kubernetes@v1.33.1 in the control plane's module
 * cache, downloaded (and checked against go.sum here) if it is not there yet.
 */
export function suiteModule(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', 'k8s.io/kubernetes'], {
    cwd: SUITE_DIR,
    encoding: 'utf8',
    env: {
      ...process.env,
      GOMODCACHE: join(CACHE, 'go', 'mod'),
      GOTOOLCHAIN: 'local',
      GOWORK: 'off',
      GOFLAGS: '-mod=readonly',
    },
  });
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download gave no Dir: ${out}`);
  return dir;
}

/** The functions runTests records, in its order (test/cmd/legacy-script.sh). */
export function allFunctions(module: string): string[] {
  const text = readFileSync(join(module, 'test', 'cmd', 'legacy-script.sh'), 'utf8');
  return [...text.matchAll(/^\s*record_command (run_\w+)\s*$/gm)].map((m) => m[1]!);
}

/** Lines of a list file in this folder: the first word of each, # comments and blanks skipped. */
export function listFile(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of readFileSync(join(SUITE_DIR, name), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [fn, ...rest] = line.split(/\s+/);
    out.set(fn!, rest.join(' '));
  }
  return out;
}

/**
 * The control plane as hack/make-rules/test-cmd.sh starts it, where the suite
 * depends on it: the suite's own token file (admin-token) and client CA added, RBAC then
 * AlwaysAllow (impersonated users and the suite's test users are allowed),
 * the same admission plugins, and a kube-controller-manager.
 */
export function startSuiteControlPlane(module: string): Promise<ControlPlane> {
  return startControlPlane({
    env: {
      // KSUITE_CONTROLLER_MANAGER=0 leaves it out (for trying functions that need none).
      KSOCK_CP_CONTROLLER_MANAGER: process.env['KSUITE_CONTROLLER_MANAGER'] === '0' ? '' : '1',
      // test-cmd builds cmd/kubectl-convert beside kubectl (run_convert_tests).
      KSOCK_CP_KUBECTL_CONVERT: '1',
      KSOCK_CP_AUTHORIZATION_MODE: 'RBAC,AlwaysAllow',
      KSOCK_CP_EXTRA_TOKENS: join(module, 'hack', 'testdata', 'auth-tokens.csv'),
      // test-cmd.sh: --client-ca-file=hack/testdata/ca/ca.crt (its tests sign client certificates with it).
      KSOCK_CP_EXTRA_CLIENT_CA: join(module, 'hack', 'testdata', 'ca', 'ca.crt'),
    },
    apiserverArgs: [
      '--enable-admission-plugins=LimitRanger,ResourceQuota',
      '--disable-admission-plugins=ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,StorageObjectInUseProtection',
      '--runtime-config=api/v1',
    ].join(' '),
  });
}

export interface RunOptions {
  module: string;
  mode: Mode;
  functions: string[];
  cp: ControlPlane;
  /** Where logs and results go (kept); a fresh temporary folder if unset. */
  outDir: string;
  /** Called once per finished function, as results arrive. */
  onResult?: (r: FunctionResult) => void;
}

/** Runs the functions in one mode against cp; results in the order given. */
export async function runSuite(opts: RunOptions): Promise<FunctionResult[]> {
  const work = mkdtempSync(join(tmpdir(), `ksuite-${opts.mode}-`));
  workDirs.add(work);
  const logs = join(opts.outDir, opts.mode);
  mkdirSync(logs, { recursive: true });
  const results = join(opts.outDir, `${opts.mode}.tsv`);
  let proxy: Background | undefined;
  try {
    for (const d of ['hack', 'test', 'third_party']) symlinkSync(join(opts.module, d), join(work, d));
    // bash reads a script as it runs: the run's own copies, so that editing these files meanwhile cannot break it.
    for (const f of ['driver.sh', 'isolate.sh']) copyFileSync(join(SUITE_DIR, f), join(work, f));
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(opts.mode === 'sock' ? BINARY : KUBECTL, join(bin, 'kubectl'));
    const convert = join(execFileSync(CONTROL_PLANE_SCRIPT, ['bin-dir'], { encoding: 'utf8' }).trim(), 'kubectl-convert');
    if (existsSync(convert)) symlinkSync(convert, join(bin, 'kubectl-convert'));
    let server = opts.cp.server;
    if (opts.mode === 'sock') {
      const socket = join(work, 'kube.sock');
      proxy = await startBackground(BINARY, ['proxy', `--unix-socket=${socket}`, '--kubeconfig', opts.cp.kubeconfig], /^Starting to serve on /, {
        env: { KUBECTL_SOCK_KUBECTL: KUBECTL },
      });
      children.add(proxy.child);
      server = `unix://${socket}`;
    }
    const port = new URL(opts.cp.server).port;
    // The control plane's folder is under /tmp, hidden in the driver's namespace: copy what it needs.
    const apiCert = join(work, 'apiserver.crt');
    copyFileSync(join(opts.cp.dir, 'pki', 'apiserver.crt'), apiCert);
    const env: Record<string, string> = {
      PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: work,
      KUBECTL_SOCK_KUBECTL: KUBECTL,
      KUBE_VERBOSE: '4',
      KSUITE_ROOT: opts.module,
      KSUITE_WORK: work,
      KSUITE_SERVER: server,
      KSUITE_MODE: opts.mode,
      KSUITE_FUNCS: opts.functions.join(' '),
      KSUITE_RESULTS: results,
      KSUITE_LOGS: logs,
      KSUITE_API_PORT: port,
      KSUITE_API_CERT: apiCert,
      KSUITE_BIN: bin,
      KSUITE_FUNCTION_TIMEOUT: process.env['KSUITE_FUNCTION_TIMEOUT'] ?? '600',
    };
    const seen = new Set<string>();
    const report = () => {
      for (const r of readResults(results, logs)) {
        if (seen.has(r.name)) continue;
        seen.add(r.name);
        opts.onResult?.(r);
      }
    };
    const poll = setInterval(report, 1000);
    try {
      // The binary under test may live under /tmp too (a clone in a temporary folder): its folder is bound back as well.
      await runDriver(work, [work, opts.outDir, dirname(BINARY)], opts.module, env, join(opts.outDir, `${opts.mode}-driver.log`));
    } finally {
      clearInterval(poll);
    }
    report();
    const byName = new Map(readResults(results, logs).map((r) => [r.name, r]));
    return opts.functions.map(
      (name) => byName.get(name) ?? { name, passed: false, seconds: 0, firstFailure: 'not run (the driver stopped before it)', log: '' },
    );
  } finally {
    await proxy?.stop();
    if (proxy) children.delete(proxy.child);
    rmSync(work, { recursive: true, force: true });
    workDirs.delete(work);
  }
}

/** What this process started and must not leave behind, whatever ends it (the control plane's guards call process.exit). */
const children = new Set<ChildProcess>();
const workDirs = new Set<string>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of workDirs) rmSync(d, { recursive: true, force: true });
});

function runDriver(work: string, dirs: string[], module: string, env: Record<string, string>, logPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(work, 'isolate.sh'), module, ...dirs, '--', 'bash', join(work, 'driver.sh')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('close', () => children.delete(child));
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        execFileSync('tee', [logPath], { input: output, stdio: ['pipe', 'ignore', 'ignore'] });
      } catch {
        /* the log is a convenience */
      }
      if (code === 0) resolve();
      else reject(new Error(`the suite's driver exited ${code}; its output (${logPath}):\n${output.slice(-4000)}`));
    });
  });
}

function readResults(path: string, logs: string): FunctionResult[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: FunctionResult[] = [];
  for (const line of text.split('\n')) {
    const [name, rc, seconds] = line.split('\t');
    if (!name || rc === undefined || seconds === undefined) continue;
    const log = join(logs, `${name}.log`);
    let body = '';
    try {
      body = readFileSync(log, 'utf8');
    } catch {
      /* missing: the function is not defined */
    }
    const passed = rc === '0';
    const firstFailure = passed ? '' : rc === 'missing' ? 'no such function in test/cmd' : rc === 'timeout' ? `timed out (${seconds}s), in: ${lastStep(body)}` : firstFailureOf(body);
    out.push({ name, passed, seconds: Number(seconds), firstFailure, log });
  }
  return out;
}

/** Where a function that was ended stood: its last line of output. */
function lastStep(log: string): string {
  const lines = log.replace(ANSI, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('kubectl-suite:'));
  return (lines.at(-1) ?? 'no output').slice(0, 300);
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\x1b\(B/g;

/**
 * The first failing assertion in a function's log: hack/lib/test.sh's
 * "file:line: FAIL!" block (with its Get/Expected/Got lines), else the
 * errexit line "Error in file:line. 'command' exited with status N".
 */
export function firstFailureOf(log: string): string {
  const lines = log.replace(ANSI, '').split('\n');
  const at = lines.findIndex((l) => /(^|: )FAIL!?\s*$/.test(l.trim()));
  if (at >= 0) {
    const detail = lines.slice(at + 1, at + 6).map((l) => l.trim()).filter((l) => l !== '');
    const keep: string[] = [];
    for (const l of detail) {
      if (/^\d+ \S+\.sh$/.test(l) || l.startsWith('+++')) break; // `caller`'s line ends the block
      keep.push(l);
      if (keep.length === 3) break;
    }
    return [lines[at]!.trim(), ...keep].join(' | ').slice(0, 400);
  }
  const err = lines.find((l) => /Error in .*exited with status/.test(l));
  if (err) return err.trim().replace(/^.*?(Error in )/, '$1').slice(0, 400);
  const tail = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('+++'));
  return (tail.slice(-1)[0] ?? 'no output').slice(0, 400);
}
