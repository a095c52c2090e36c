// Benchmark: the passthrough and `env` on the shared relay, beside kubectl
// itself over plain HTTP to the same fake API server, in one interleaved run.
//   node scripts/bench-passthrough.ts [--runs N]
// - warm passthrough: `kubectl sock describe pod` (kubeconfig naming the unix
//   socket) with its relay running and kubectl's caches warm, against kubectl
//   describe with its own kubeconfig (http://127.0.0.1:PORT) and warm cache;
// - first run: the same, with the relay stopped before each run (untimed), so
//   the run starts it; kubectl's caches stay warm because the relay comes back
//   on the same port;
// - env: `kubectl get pods` with the KUBECONFIG `eval "$(kubectl sock env)"`
//   exports, against kubectl get pods over HTTP;
// - the share of kubectl-sock itself: the passthrough to a kubectl that does
//   nothing (/bin/true);
// - the idle relay's RSS, beside an idle `kubectl proxy --unix-socket`.
// Medians of N runs per client, interleaved so drift in load hits all alike.
// Needs dist/kubectl-sock (make build).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startFakeApiServer, type FakeApiServer } from '../test/helpers/fake-apiserver.ts';
import { kc } from '../test/helpers/kubeconfig-builder.ts';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';
import { timedRun, type TimedRun } from './bench/timed-run.ts';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Math.max(15, Number(opts.runs));

function seed(api: FakeApiServer): void {
  const created = new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (let i = 0; i < 5; i++) {
    api.addObject({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' }, creationTimestamp: created },
      spec: { nodeName: `node-${i % 2}`, containers: [{ name: 'nginx', image: 'registry.example/nginx:1.27' }] },
      status: {
        phase: 'Running', podIP: `10.0.0.${i + 10}`,
        containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, started: true, state: { running: { startedAt: created } } }],
      },
    });
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
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  seed(api);
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  // Everyone's HOME (kubectl's ~/.kube/cache) and XDG_RUNTIME_DIR (the relay's state) as a user's would be.
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', XDG_RUNTIME_DIR: runtime, KUBECTL_SOCK_KUBECTL: KUBECTL };
  const user = (name: string, server: string) => kc().cluster(name, { server }).user('me', {}).context(name, { cluster: name, user: 'me', namespace: 'default' }).current(name).write(join(dir, `${name}.kubeconfig`));
  const viaSocket = user('socket', api.unixUrl as string);
  const viaHttp = user('http', api.httpUrl as string);
  const sockEnv = { KUBECONFIG: viaSocket };
  const stopRelays = () => execFileSync(BINARY, ['relay', 'stop', '--all'], { env: { ...env, ...sockEnv } });
  let exported = '';
  const clients: Client[] = [
    { name: 'kubectl describe (http)', cmd: KUBECTL, args: ['describe', 'pod', 'web-0'], env: () => ({ KUBECONFIG: viaHttp }) },
    { name: 'kubectl sock describe (warm)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => sockEnv },
    { name: 'kubectl sock describe (first run)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => sockEnv, before: stopRelays },
    { name: 'kubectl get pods (http)', cmd: KUBECTL, args: ['get', 'pods'], env: () => ({ KUBECONFIG: viaHttp }) },
    { name: 'kubectl get pods (env)', cmd: KUBECTL, args: ['get', 'pods'], env: () => ({ KUBECONFIG: exported }) },
    // The passthrough's own share: kubectl-sock up to the hand-over, with a kubectl that does nothing.
    { name: 'kubectl sock -- (kubectl=true)', cmd: BINARY, args: ['describe', 'pod', 'web-0'], env: () => ({ ...sockEnv, KUBECTL_SOCK_KUBECTL: '/bin/true' }) },
  ];
  const stats = join(dir, 'time.out');
  const once = (c: Client) => {
    c.before?.();
    return timedRun(c.cmd, c.args, { ...env, ...c.env?.() }, stats);
  };
  try {
    // What `eval "$(kubectl sock env)"` exports, as a shell would get it.
    exported = execFileSync('bash', ['-c', `eval "$(${BINARY} env)" && printf %s "$KUBECONFIG"`], { env: { ...env, ...sockEnv }, encoding: 'utf8' });
    evictFromPageCache([BINARY, KUBECTL]);
    for (const c of clients) for (let i = 0; i < 2; i++) await once(c);
    await checkSameOutput(env, exported, viaHttp, viaSocket);
    const samples = clients.map(() => [] as TimedRun[]);
    for (let r = 0; r < RUNS; r++) for (const [i, c] of clients.entries()) samples[i]?.push(await once(c));
    const rows = clients.map((c, i) => ({ name: c.name, ms: median((samples[i] as TimedRun[]).map((s) => s.ms)), cpuMs: median((samples[i] as TimedRun[]).map((s) => s.cpuMs)) }));
    const idle = await idleRss(dir, env, api.httpUrl as string, runtime);
    report(rows, idle);
  } finally {
    try {
      stopRelays();
    } catch {
      // Already gone.
    }
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Like for like: each pair prints the same table (asynchronously: the fake API server runs in this process). */
async function checkSameOutput(env: Record<string, string>, exported: string, viaHttp: string, viaSocket: string): Promise<void> {
  const out = async (cmd: string, args: string[], e: Record<string, string>) => (await run(cmd, args, { env: { ...env, ...e }, encoding: 'utf8' })).stdout;
  const describe = await out(KUBECTL, ['describe', 'pod', 'web-0'], { KUBECONFIG: viaHttp });
  if ((await out(BINARY, ['describe', 'pod', 'web-0'], { KUBECONFIG: viaSocket })) !== describe) throw new Error('kubectl sock describe prints another table');
  if ((await out(KUBECTL, ['get', 'pods'], { KUBECONFIG: exported })) !== (await out(KUBECTL, ['get', 'pods'], { KUBECONFIG: viaHttp }))) {
    throw new Error('kubectl through env prints another table');
  }
}

/** VmRSS of the relay once idle, and of an idle `kubectl proxy --unix-socket` to the same server. */
async function idleRss(dir: string, env: Record<string, string>, httpUrl: string, runtime: string): Promise<{ relay: number; relayAnon: number; proxy: number }> {
  const proxySock = join(dir, 'proxy.sock');
  const proxy = spawn(KUBECTL, ['proxy', '--server', httpUrl, `--unix-socket=${proxySock}`], { env, stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const relayPid = (() => {
      const root = join(runtime, 'kubectl-sock');
      for (const name of existsSync(root) ? readdirSync(root) : []) {
        const info = join(root, name, 'relay.json');
        if (existsSync(info)) return (JSON.parse(readFileSync(info, 'utf8')) as { pid: number }).pid;
      }
      throw new Error('no relay running');
    })();
    return { relay: vmRssMiB(relayPid), relayAnon: vmRssMiB(relayPid, 'RssAnon'), proxy: vmRssMiB(proxy.pid as number) };
  } finally {
    proxy.kill('SIGTERM');
  }
}

/** A resident-memory line of /proc/PID/status, in MiB. */
function vmRssMiB(pid: number, field = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]) / 1024;
}

function report(rows: Row[], idle: { relay: number; relayAnon: number; proxy: number }): void {
  const by = (name: string) => rows.find((r) => r.name === name) as Row;
  console.log(`shared relay, fake API server (5 pods): median of ${RUNS} interleaved runs each; load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log(`${'client'.padEnd(36)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(9)}`);
  for (const r of rows) console.log(`${r.name.padEnd(36)}${r.ms.toFixed(0).padStart(9)}${r.cpuMs.toFixed(0).padStart(9)}`);
  // Most of the relay's RSS is the binary's own pages (shared with every kubectl-sock process); RssAnon is its heap.
  console.log(`\nidle RSS: shared relay ${idle.relay.toFixed(1)} MiB (${idle.relayAnon.toFixed(1)} MiB anonymous), kubectl proxy --unix-socket ${idle.proxy.toFixed(1)} MiB`);
  const goals: Array<[string, string, string, number]> = [
    ['describe pod, warm relay', 'kubectl describe (http)', 'kubectl sock describe (warm)', 1.6],
    ['describe pod, first run (starts the relay)', 'kubectl describe (http)', 'kubectl sock describe (first run)', 3],
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
