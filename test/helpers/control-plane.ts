// The `real` test tier's control plane: a real kube-apiserver + etcd started by
// scripts/control-plane (built from Go modules on first use, cached outside the
// repository; see test/control-plane/NOTES.md). Each test file starts its own
// on free ports in its own temporary folder, so files may run in parallel.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

/** scripts/control-plane: build | up DIR | down DIR | env DIR | status DIR. */
export const CONTROL_PLANE_SCRIPT = join(ROOT, 'scripts', 'control-plane');

/** Key and certificate files of one kubelet serving identity. */
export interface KeyPair {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/** What `scripts/control-plane up` wrote to DIR/env, plus a small HTTPS client. */
export interface ControlPlane {
  dir: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** CA file of the apiserver's serving certificate. */
  caPath: string;
  /** Bearer token of user admin (group system:masters). */
  token: string;
  /** DIR/admin.kubeconfig: server, CA data, token, namespace default. */
  kubeconfig: string;
  /** kube-apiserver version, e.g. v1.34.10. */
  version: string;
  nodeName: string;
  kubelet: {
    /** The CA given to --kubelet-certificate-authority. */
    caPath: string;
    /** Signed by the kubelet CA, but its validity ended yesterday. */
    expired: KeyPair;
    valid: KeyPair;
    /** Valid dates, signed by an unrelated CA. */
    wrongCa: KeyPair;
    /** CA of the client certificate the apiserver presents to kubelets. */
    clientCaPath: string;
  };
  /** The API server's audit log (JSON lines), with StartOptions.audit; else ''. */
  auditLog: string;
  /** One HTTPS request as admin; the body is returned as text whatever the status. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  /** Like request, but throws unless the status is 2xx, and parses JSON. */
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** The value of one series of /metrics; an absent series is 0. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** `scripts/control-plane down DIR`, then removes DIR. Safe to call twice. */
  stop(): Promise<void>;
}

/** An HTTP answer of the API server, body as text. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Knobs of startControlPlane. */
export interface StartOptions {
  /** Extra kube-apiserver flags (KSOCK_CP_APISERVER_ARGS). */
  apiserverArgs?: string;
  /** Write an audit log of every request at level Metadata (KSOCK_CP_AUDIT=1). */
  audit?: boolean;
  /** More environment for scripts/control-plane (e.g. KSOCK_CP_CONTROLLER_MANAGER=1, KSOCK_CP_EXTRA_TOKENS). */
  env?: Record<string, string>;
  /** Milliseconds for `up`, a cold build included (default 60 min: 6.5 min on an idle 2-core machine, far more on a busy one; KSOCK_CP_START_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Control planes of this process that are up; stopped synchronously if the process ends early. */
const running = new Set<string>();
/** `up` scripts still starting (or building): on an early exit they must be stopped first. */
const starting = new Set<ChildProcess>();

/** Starts a control plane in a fresh temporary folder (building it first if needed). */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'ksock-cp-'));
  running.add(dir);
  installExitGuards();
  const started = Date.now();
  try {
    await runScript(['up', dir], opts);
    const cp = fromEnvFile(dir);
    process.stderr.write(`control-plane: ${cp.version} up at ${cp.server} in ${((Date.now() - started) / 1000).toFixed(1)}s (${dir})\n`);
    return cp;
  } catch (err) {
    await stopDir(dir);
    throw err;
  }
}

function runScript(args: string[], opts: StartOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? Number(process.env['KSOCK_CP_START_TIMEOUT_MS'] ?? 60 * 60_000);
  const env = { ...process.env, ...opts.env };
  if (opts.apiserverArgs !== undefined) env['KSOCK_CP_APISERVER_ARGS'] = opts.apiserverArgs;
  if (opts.audit) env['KSOCK_CP_AUDIT'] = '1';
  return new Promise((resolve, reject) => {
    // stderr is the script's progress (a cold build prints a line per step).
    const child = spawn(CONTROL_PLANE_SCRIPT, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    starting.add(child);
    // TERM lets `up` stop what it started (and `build` its go build) before exiting.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      starting.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      starting.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`scripts/control-plane ${args.join(' ')} failed (${signal ?? `exit ${code}`}${signal ? ` after ${timeoutMs} ms` : ''}); its output is above`));
    });
  });
}

async function stopDir(dir: string): Promise<void> {
  if (!running.has(dir)) return;
  running.delete(dir);
  // down BEFORE removing DIR: the pid files are the only record of the daemons.
  await new Promise<void>((resolve) => {
    const child = spawn(CONTROL_PLANE_SCRIPT, ['down', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
  rmSync(dir, { recursive: true, force: true });
}

let guarded = false;
/** A crash or Ctrl-C must not orphan an apiserver: stop what is still up, synchronously. */
function installExitGuards(): void {
  if (guarded) return;
  guarded = true;
  const stopAllSync = () => {
    // An `up` in progress stops what it started on TERM; wait for that (a
    // zombie counts as done: this blocked process cannot reap it) before `down`.
    for (const child of starting) {
      if (child.pid === undefined) continue;
      child.kill('SIGTERM');
      const wait = `for _ in $(seq 600); do s=$(cut -d' ' -f3 /proc/${child.pid}/stat 2>/dev/null) || exit 0; [ "$s" = Z ] && exit 0; sleep 0.1; done`;
      spawnSync('bash', ['-c', wait], { stdio: 'ignore' });
    }
    starting.clear();
    for (const dir of running) {
      spawnSync(CONTROL_PLANE_SCRIPT, ['down', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
      rmSync(dir, { recursive: true, force: true });
    }
    running.clear();
  };
  process.on('exit', stopAllSync);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      stopAllSync();
      process.exit(code);
    });
  }
}

/** Reads DIR/env through bash (its values are `printf %q`-quoted). */
function readEnvFile(dir: string): Record<string, string> {
  const script = 'set -e; . "$1"; for k in ${!KSOCK_CP_@}; do printf "%s=%s\\0" "$k" "${!k}"; done';
  const out = execFileSync('bash', ['-c', script, 'env', join(dir, 'env')], { encoding: 'utf8' });
  const vars: Record<string, string> = {};
  for (const entry of out.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) vars[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return vars;
}

function fromEnvFile(dir: string): ControlPlane {
  const env = readEnvFile(dir);
  const need = (k: string): string => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`${dir}/env has no ${k}`);
    return v;
  };
  const pair = (prefix: string): KeyPair => {
    const certPath = need(`${prefix}_CERT`);
    const keyPath = need(`${prefix}_KEY`);
    return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  };
  const server = need('KSOCK_CP_SERVER');
  const caPath = need('KSOCK_CP_CA');
  const token = need('KSOCK_CP_TOKEN');
  const client = apiClient(server, readFileSync(caPath, 'utf8'), token);
  return {
    dir,
    server,
    caPath,
    token,
    kubeconfig: need('KSOCK_CP_KUBECONFIG'),
    version: need('KSOCK_CP_VERSION'),
    auditLog: env['KSOCK_CP_AUDIT_LOG'] ?? '',
    nodeName: need('KSOCK_CP_NODE_NAME'),
    kubelet: {
      caPath: need('KSOCK_CP_KUBELET_CA'),
      expired: pair('KSOCK_CP_KUBELET'),
      valid: pair('KSOCK_CP_KUBELET_VALID'),
      wrongCa: pair('KSOCK_CP_KUBELET_WRONGCA'),
      clientCaPath: need('KSOCK_CP_KUBELET_CLIENT_CA'),
    },
    ...client,
    stop: () => stopDir(dir),
  };
}

type Client = Pick<ControlPlane, 'request' | 'json' | 'metric'>;

function apiClient(server: string, ca: string, token: string): Client {
  // Keep-alive: seeding makes dozens of calls; idle sockets do not hold the process open.
  const agent = new Agent({ ca, keepAlive: true });
  const request = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json, */*' };
      if (payload !== undefined) headers['content-type'] = contentType;
      const req = httpsRequest(new URL(path, server), { method, agent, headers, timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  const json = async <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> => {
    const res = await request(method, path, body, contentType);
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as T;
  };
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const res = await request('GET', '/metrics');
    if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}: ${res.body}`);
    return metricValue(res.body, name, labels);
  };
  return { request, json, metric };
}

/**
 * One series' value in Prometheus text format: the sample named `name` whose
 * labels include `labels`. The apiserver only creates a series on first use,
 * so an absent one counts as 0.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}
