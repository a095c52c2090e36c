// Benchmark: the passthrough and `env` on the shared relay, beside kubectl
// itself over plain HTTP, against a REAL kube-apiserver (scripts/control-plane,
// built on first use) behind real `kubectl proxy`, as a user meets it: the
// user's socket is `kubectl proxy --unix-socket`, and kubectl's plain HTTP is
// `kubectl proxy --port` in front of the same server. One interleaved run.
//   node scripts/bench-passthrough.ts [--runs N]
// - warm passthrough: `kubectl sock describe pod` (kubeconfig naming the
//   socket) with its relay running and kubectl's caches warm, against kubectl
//   describe with its own kubeconfig (http://127.0.0.1:PORT) and warm cache;
// - first run: the same, with the relay stopped before each run (untimed), so
//   the run starts it; kubectl's caches stay warm because the relay comes back
//   on the same port;
// - env: `kubectl get pods` with the KUBECONFIG `eval "$(kubectl sock env)"`
//   exports, against kubectl get pods over HTTP;
// - the share of kubectl-sock itself: the passthrough to a kubectl that does
//   nothing (/bin/true);
// - the idle relay's RSS, beside the idle `kubectl proxy --unix-socket`.
// Medians of N runs per client, interleaved so drift in load hits all alike.
// Needs dist/kubectl-sock (make build).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startControlPlane, type ControlPlane } from '../test/helpers/control-plane.ts';
import { kc } from '../test/helpers/kubeconfig-builder.ts';
import { startKubectlProxy, type Background } from '../test/helpers/processes.ts';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';
import { timedRun, type TimedRun } from './bench/timed-run.ts';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Math.max(15, Number(opts.runs));

const NS = 'bench';

/** Five running pods in namespace bench, as bench-get's. No kubelet runs: their status goes in through the subresource. */
async function seed(cp: ControlPlane): Promise<void> {
  await cp.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (let i = 0; i < 5; i++) {
    await cp.json('POST', `/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' } },
      spec: { nodeName: cp.nodeName, automountServiceAccountToken: false, containers: [{ name: 'nginx', image: 'registry.example/nginx:1.27' }] },
    });
    await cp.json('PATCH', `/api/v1/namespaces/${NS}/pods/web-${i}/status`, {
      status: {
        phase: 'Running', podIP: `10.0.0.${i + 10}`, hostIP: '127.0.0.1', startTime: '2026-01-01T00:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }],
        containerStatuses: [{ name: 'nginx', image: 'registry.example/nginx:1.27', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-01T00:00:03Z' } } }],
      },
    }, 'application/merge-patch+json');
  }
}

interface Client {
  name: string;
  cmd: string;
  args: string[];
  env?: () => Record<string, string>;
  /** Untimed, before each timed run. */
  before?: () => void;
}

interface Row {
  name: string;
  ms: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-pt-'));
  const cp = await startControlPlane();
  const proxies: Background[] = [];
  try {
    await seed(cp);
    const socket = await startKubectlProxy(cp.kubeconfig, { unixSocket: join(dir, 'kube.sock') });
    proxies.push(socket);
    const port = await startKubectlProxy(cp.kubeconfig, { port: 0 });
    proxies.push(port);
    await measure(dir, `unix://${socket.address}`, `http://${port.address}`, socket.child.pid as number);
  } finally {
    for (const p of proxies) await p.stop();
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string, socketUrl: string, httpUrl: string, proxyPid: number): Promise<void> {
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  // Everyone's HOME (kubectl's ~/.kube/cache) and XDG_RUNTIME_DIR (the relay's state) as a user's would be.
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', XDG_RUNTIME_DIR: runtime, KUBECTL_SOCK_KUBECTL: KUBECTL };
  const user = (name: string, server: string) => kc().cluster(name, { server }).user('me', {}).context(name, { cluster: name, user: 'me', namespace: NS }).current(name).write(join(dir, `${name}.kubeconfig`));
  const viaSocket = user('socket', socketUrl);
  const viaHttp = user('http', httpUrl);
  const sockEnv = { KUBECONFIG: viaSocket };
  const stopRelays = () => execFileSync(BINARY, ['relay', 'stop', '--all'], { env: { ...env, ...sockEnv } });
  let exported = '';
  const describeHttp: Client = { name: 'kubectl describe (http)', cmd: KUBECTL, args: ['describe', 'pod', 'web-0'], env: () => ({ KUBECONFIG: viaHttp }) };
  // Phase 1: the relay, once started, serves every run (as after a user's first command).
  const warm: Client[] = [
    describeHttp,
    { name: 'kubectl sock describe (warm)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => sockEnv },
    { name: 'kubectl get pods (http)', cmd: KUBECTL, args: ['get', 'pods'], env: () => ({ KUBECONFIG: viaHttp }) },
    { name: 'kubectl get pods (env)', cmd: KUBECTL, args: ['get', 'pods'], env: () => ({ KUBECONFIG: exported }) },
    // The passthrough's own share: kubectl-sock up to the hand-over, with a kubectl that does nothing.
    { name: 'kubectl sock -- (kubectl=true)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => ({ ...sockEnv, KUBECTL_SOCK_KUBECTL: '/bin/true' }) },
  ];
  // Phase 2: each run starts the relay (stopped before it, untimed), beside kubectl again.
  const first: Client[] = [
    describeHttp,
    { name: 'kubectl sock describe (first run)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => sockEnv, before: stopRelays },
  ];
  const stats = join(dir, 'time.out');
  const once = (c: Client) => {
    c.before?.();
    return timedRun(c.cmd, c.args, { ...env, ...c.env?.() }, stats);
  };
  const phase = async (clients: Client[]): Promise<Row[]> => {
    for (const c of clients) for (let i = 0; i < 2; i++) await once(c);
    const samples = clients.map(() => [] as TimedRun[]);
    for (let r = 0; r < RUNS; r++) for (const [i, c] of clients.entries()) samples[i]?.push(await once(c));
    return clients.map((c, i) => ({ name: c.name, ms: median((samples[i] as TimedRun[]).map((s) => s.ms)), cpuMs: median((samples[i] as TimedRun[]).map((s) => s.cpuMs)) }));
  };
  try {
    // What `eval "$(kubectl sock env)"` exports, as a shell would get it (it also pins the relay).
    exported = execFileSync('bash', ['-c', `eval "$(${BINARY} env)" && printf %s "$KUBECONFIG"`], { env: { ...env, ...sockEnv }, encoding: 'utf8' });
    evictFromPageCache([BINARY, KUBECTL]);
    await checkSameOutput(env, exported, viaHttp, viaSocket);
    const warmRows = await phase(warm);
    const idle = await idleRss(runtime, proxyPid);
    const [httpAgain, firstRun] = (await phase(first)) as [Row, Row];
    report([...warmRows, { ...httpAgain, name: 'kubectl describe (http, phase 2)' }, firstRun], idle);
  } finally {
    try {
      stopRelays();
    } catch {
      // Already gone.
    }
  }
}

/** Like for like: each pair prints the same table. */
async function checkSameOutput(env: Record<string, string>, exported: string, viaHttp: string, viaSocket: string): Promise<void> {
  const out = async (cmd: string, args: string[], e: Record<string, string>) => (await run(cmd, args, { env: { ...env, ...e }, encoding: 'utf8' })).stdout;
  const describe = await out(KUBECTL, ['describe', 'pod', 'web-0'], { KUBECONFIG: viaHttp });
  if ((await out(BINARY, ['describe', 'pod', 'web-0'], { KUBECONFIG: viaSocket })) !== describe) throw new Error('kubectl sock describe prints another table');
  if ((await out(KUBECTL, ['get', 'pods'], { KUBECONFIG: exported })) !== (await out(KUBECTL, ['get', 'pods'], { KUBECONFIG: viaHttp }))) {
    throw new Error('kubectl through env prints another table');
  }
}

/** RSS of the relay once idle, and of the idle `kubectl proxy --unix-socket` that serves the socket (a long-lived relay too). */
async function idleRss(runtime: string, proxyPid: number): Promise<{ relay: number; relayAnon: number; proxy: number }> {
  await new Promise((r) => setTimeout(r, 3000));
  const root = join(runtime, 'kubectl-sock');
  const info = readdirSync(root).map((n) => join(root, n, 'relay.json')).find((f) => existsSync(f));
  if (!info) throw new Error('no relay running');
  const relayPid = (JSON.parse(readFileSync(info, 'utf8')) as { pid: number }).pid;
  return { relay: vmRssMiB(relayPid), relayAnon: vmRssMiB(relayPid, 'RssAnon'), proxy: vmRssMiB(proxyPid) };
}

/** A resident-memory line of /proc/PID/status, in MiB. */
function vmRssMiB(pid: number, field = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]) / 1024;
}

function report(rows: Row[], idle: { relay: number; relayAnon: number; proxy: number }): void {
  const by = (name: string) => rows.find((r) => r.name === name) as Row;
  console.log(`shared relay, real kube-apiserver behind kubectl proxy (5 pods): median of ${RUNS} interleaved runs each; load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log(`${'client'.padEnd(36)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(9)}`);
  for (const r of rows) console.log(`${r.name.padEnd(36)}${r.ms.toFixed(0).padStart(9)}${r.cpuMs.toFixed(0).padStart(9)}`);
  // Most of the relay's RSS is the binary's own pages (shared with every kubectl-sock process); RssAnon is its heap.
  console.log(`\nidle RSS: shared relay ${idle.relay.toFixed(1)} MiB (${idle.relayAnon.toFixed(1)} MiB anonymous), kubectl proxy --unix-socket ${idle.proxy.toFixed(1)} MiB`);
  const goals: Array<[string, string, string, number]> = [
    ['describe pod, warm relay', 'kubectl describe (http)', 'kubectl sock describe (warm)', 1.6],
    ['describe pod, first run (starts the relay)', 'kubectl describe (http, phase 2)', 'kubectl sock describe (first run)', 3],
    ['get pods through eval "$(kubectl sock env)"', 'kubectl get pods (http)', 'kubectl get pods (env)', 1.15],
  ];
  console.log('');
  for (const [what, k, s, limit] of goals) {
    const kv = by(k).ms;
    const sv = by(s).ms;
    // CPU of the measured process only: the relay's own work (another process) is not in it.
    console.log(`${what}: ${(sv / kv).toFixed(2)}x kubectl (goal <= ${limit}x); cpu ${(by(s).cpuMs / by(k).cpuMs).toFixed(2)}x`);
    recordResult({ bench: 'passthrough', case: what, metric: 'median wall time', unit: 'ms', kubectlLabel: k, kubectl: kv, sockLabel: s, sock: sv, better: 'lower', goal: `≤ ${limit}× kubectl`, met: sv <= limit * kv });
  }
  recordResult({ bench: 'passthrough', case: 'idle, after the runs', metric: 'RSS', unit: 'MiB', kubectlLabel: 'kubectl proxy --unix-socket', kubectl: idle.proxy, sockLabel: 'shared relay', sock: idle.relay, better: 'lower' });
}

await main();
