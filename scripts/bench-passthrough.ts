// Benchmark: what the passthrough adds to a command. `kubectl sock -- get pods`
// (real kubectl through kubectl-sock's one-run TLS relay to a unix socket)
// against native `kubectl sock get pods` on the same socket and against kubectl
// itself over plain HTTP on TCP, all three on the same fake API server.
//   node scripts/bench-passthrough.ts [--runs N]
// Each client is warmed, checked to print the same table as kubectl, then run
// N times interleaved (so drift in machine load hits all alike); the table
// shows medians. kubectl and native get share one warm --cache-dir. The
// passthrough gets the same flag, but kubectl keys its discovery cache by
// host:port and the relay's port is new on every run, so its kubectl always
// discovers afresh: a row of kubectl with an empty cache each run shows that
// part of the cost, and one with a kubectl that does nothing (/bin/true) the
// share of kubectl-sock itself. Needs dist/kubectl-sock (make build).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer, type FakeApiServer } from '../test/helpers/fake-apiserver.ts';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';
import { timedRun, type TimedRun } from './bench/timed-run.ts';

const ROOT = join(import.meta.dirname, '..');
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
  args(): string[];
  env?: Record<string, string>;
  /** Prints nothing: left out of the like-for-like check. */
  silent?: boolean;
}

/** One run of a client (its own environment on top of the base one). */
function runOnce(c: Client, baseEnv: NodeJS.ProcessEnv, statsFile: string): Promise<TimedRun> {
  return timedRun(c.cmd, c.args(), { ...baseEnv, ...c.env }, statsFile);
}

function output(c: Client, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => execFile(c.cmd, c.args(), { env: { ...env, ...c.env } }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
}


async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-pt-'));
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  seed(api);
  const cache = join(dir, 'cache');
  let cold = 0;
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' };
  const unix = ['--server', api.unixUrl as string];
  const clients: Client[] = [
    { name: 'kubectl (http tcp)', cmd: KUBECTL, args: () => ['--server', api.httpUrl as string, '--cache-dir', cache, 'get', 'pods'] },
    { name: 'kubectl, cold discovery', cmd: KUBECTL, args: () => ['--server', api.httpUrl as string, '--cache-dir', join(dir, `cold-${cold++}`), 'get', 'pods'] },
    { name: 'kubectl sock get (unix)', cmd: BINARY, args: () => [...unix, '--cache-dir', cache, 'get', 'pods'] },
    { name: 'kubectl sock -- get (unix)', cmd: BINARY, args: () => [...unix, '--', 'get', 'pods', '--cache-dir', cache], env: { KUBECTL_SOCK_KUBECTL: KUBECTL } },
    // The passthrough's own share: relay, certificate and temporary kubeconfig around a kubectl that does nothing.
    { name: 'kubectl sock -- (kubectl=true)', cmd: BINARY, args: () => [...unix, '--', 'get', 'pods'], env: { KUBECTL_SOCK_KUBECTL: '/bin/true' }, silent: true },
  ];
  const stats = join(dir, 'time.out');
  try {
    evictFromPageCache([BINARY, KUBECTL]);
    for (const c of clients) for (let i = 0; i < 2; i++) await runOnce(c, env, stats);
    // Like for like (and asynchronously: the fake API server runs in this process).
    const outputs = await Promise.all(clients.filter((c) => !c.silent).map((c) => output(c, env)));
    if (outputs.some((o) => o !== outputs[0])) throw new Error(`the clients print different tables:\n${outputs.join('\n')}`);
    const samples = clients.map(() => [] as TimedRun[]);
    for (let r = 0; r < RUNS; r++) for (const [i, c] of clients.entries()) samples[i]?.push(await runOnce(c, env, stats));
    report(clients.map((c, i) => ({ name: c.name, ms: median((samples[i] as TimedRun[]).map((s) => s.ms)), cpuMs: median((samples[i] as TimedRun[]).map((s) => s.cpuMs)) })));
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: Array<{ name: string; ms: number; cpuMs: number }>): void {
  const [kubectl, , native, passthrough] = rows as [typeof rows[0], unknown, typeof rows[0], typeof rows[0]];
  console.log(`get pods (5 pods, fake API server): median of ${RUNS} interleaved runs each; load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log(`${'client'.padEnd(30)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(9)}`);
  for (const r of rows) console.log(`${r.name.padEnd(30)}${r.ms.toFixed(0).padStart(9)}${r.cpuMs.toFixed(0).padStart(9)}`);
  const added = (over: { ms: number; cpuMs: number }) => `+${(passthrough.ms - over.ms).toFixed(0)} ms wall, +${(passthrough.cpuMs - over.cpuMs).toFixed(0)} ms cpu`;
  console.log(`\npassthrough over native kubectl sock get: ${added(native)}`);
  console.log(`passthrough over kubectl itself:          ${added(kubectl)}`);
  recordResult({ bench: 'passthrough', case: 'get pods, 5 pods', metric: 'median wall time', unit: 'ms', kubectlLabel: 'kubectl get (http)', kubectl: kubectl.ms,
    sockLabel: 'kubectl sock -- get (unix, through the relay)', sock: passthrough.ms, better: 'lower' });
}

await main();
