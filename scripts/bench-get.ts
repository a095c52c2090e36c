// Benchmark: `kubectl sock get pods` over a unix socket versus kubectl over plain
// HTTP on TCP, against the same fake API server, with 5 pods and with 5,000 pods.
//   node scripts/bench-get.ts [--runs N] [--cpu-prof DIR]
// Both clients use one warm --cache-dir (discovery cached, as after a first use).
// The fake answers through a replay cache (each distinct request is built once,
// then served from memory), so the figures measure the clients, not the fake.
// Reports median wall time and peak RSS (/usr/bin/time -f %M) of each.
// Needs dist/kubectl-sock (make build).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer, type FakeApiServer } from '../test/helpers/fake-apiserver.ts';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';
import { timedRun, type TimedRun } from './bench/timed-run.ts';

const ROOT = join(import.meta.dirname, '..');
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'cpu-prof': { type: 'string' } } });
const RUNS = Math.max(1, Number(opts.runs));

function seed(api: FakeApiServer, namespace: string, count: number): void {
  const created = new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (let i = 0; i < count; i++) {
    const name = `web-${String(i).padStart(5, '0')}-${(i * 7919).toString(36)}`;
    api.addObject({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace, labels: { app: 'web', shard: String(i % 16) }, creationTimestamp: created },
      spec: { nodeName: `node-${i % 12}`, containers: [{ name: 'nginx', image: 'registry.example/nginx:1.27' }] },
      status: {
        phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'nginx', ready: true, restartCount: i % 4, started: true, state: { running: { startedAt: created } } }],
      },
    });
  }
}

interface Cached {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A replay cache in front of the fake: the first request for a URL+Accept goes through, later ones are served from memory. */
function replayFront(upstream: string): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map<string, Promise<Cached>>();
  const fetchOnce = (req: IncomingMessage): Promise<Cached> =>
    new Promise((resolve, reject) => {
      const up = request(`${upstream}${req.url}`, { method: req.method, headers: { accept: req.headers.accept ?? '' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 500, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end();
    });
  return (req, res) => {
    const key = `${req.method} ${req.url} ${req.headers.accept ?? ''}`;
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = fetchOnce(req)));
    hit.then(
      (c) => {
        res.writeHead(c.status, { 'content-type': String(c.headers['content-type'] ?? 'application/json'), 'content-length': c.body.length });
        res.end(c.body);
      },
      () => res.destroy(),
    );
  };
}

function listen(server: Server, target: string | number): Promise<void> {
  return new Promise((ok) => (typeof target === 'string' ? server.listen(target, ok) : server.listen(target, '127.0.0.1', ok)));
}

interface Client {
  name: string;
  cmd: string;
  base: string[];
}

/** Both clients, warmed, then RUNS interleaved runs each (so drift in machine load hits both alike). */
async function measure(clients: Client[], args: string[], env: NodeJS.ProcessEnv, stats: string, label: string): Promise<Result[]> {
  // Warm: discovery caches, the replay cache, and the page cache for both binaries (paged in alike).
  evictFromPageCache(clients.map((c) => c.cmd));
  for (const c of clients) for (let i = 0; i < 2; i++) await timedRun(c.cmd, [...c.base, ...args], env, stats);
  // Like for like: both must print the same table. (Asynchronously: the fake answers from this process.)
  const run = promisify(execFile);
  const outputs = await Promise.all(clients.map(async (c) => (await run(c.cmd, [...c.base, ...args], { env, maxBuffer: 64 << 20 })).stdout));
  if (outputs.some((o) => o !== outputs[0])) throw new Error(`${label}: the two clients print different output`);
  const samples = clients.map(() => [] as TimedRun[]);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, c] of clients.entries()) samples[i]?.push(await timedRun(c.cmd, [...c.base, ...args], env, stats));
  }
  return clients.map((c, i) => {
    const s = samples[i] as TimedRun[];
    return {
      case: label,
      client: c.name,
      ms: median(s.map((x) => x.ms)),
      cpuMs: median(s.map((x) => x.cpuMs)),
      rssKb: median(s.map((x) => x.rssKb)),
      maxRssKb: Math.max(...s.map((x) => x.rssKb)),
    };
  });
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-get-'));
  const api = await startFakeApiServer({ tcp: true });
  seed(api, 'small', 5);
  seed(api, 'big', 5000);
  const front = replayFront(api.httpUrl as string);
  const unixFront = createServer(front);
  const tcpFront = createServer(front);
  const sockPath = join(dir, 'api.sock');
  await listen(unixFront, sockPath);
  await listen(tcpFront, 0);
  const tcpUrl = `http://127.0.0.1:${(tcpFront.address() as AddressInfo).port}`;
  const cacheDir = join(dir, 'cache');
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' };
  const clients: Client[] = [
    { name: 'kubectl (http tcp)', cmd: KUBECTL, base: ['--server', tcpUrl, '--cache-dir', cacheDir] },
    { name: 'kubectl sock (unix)', cmd: BINARY, base: ['--server', `unix://${sockPath}`, '--cache-dir', cacheDir] },
  ];
  const stats = join(dir, 'time.out');
  try {
    const results: Result[] = [];
    for (const ns of ['small', 'big']) results.push(...(await measure(clients, ['get', 'pods', '-n', ns], env, stats, ns === 'small' ? '5 pods' : '5,000 pods')));
    if (opts['cpu-prof']) await profile(opts['cpu-prof'], sockPath, cacheDir, env);
    report(results);
  } finally {
    await new Promise((r) => unixFront.close(r));
    await new Promise((r) => tcpFront.close(r));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the bundle (not the binary, which ignores Node flags) with V8's CPU
 * profiler on the 5,000-pod case; a first run fills Node's compile cache, as
 * the binary's code cache would be.
 */
async function profile(out: string, sockPath: string, cacheDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const node = join(ROOT, 'node_modules', '.bin', 'node');
  const bundle = join(ROOT, 'dist', 'kubectl-sock.cjs');
  const cached = { ...env, NODE_COMPILE_CACHE: join(cacheDir, 'node-compile-cache') };
  const args = [bundle, '--server', `unix://${sockPath}`, '--cache-dir', cacheDir, 'get', 'pods', '-n', 'big'];
  await timedRun(node, args, cached, join(out, 'time.out'));
  await timedRun(node, ['--cpu-prof', '--cpu-prof-dir', out, ...args], cached, join(out, 'time.out'));
  console.log(`CPU profile written to ${out}`);
}

interface Result {
  case: string;
  client: string;
  ms: number;
  cpuMs: number;
  /** Median over runs of each run's peak RSS, and the largest. */
  rssKb: number;
  maxRssKb: number;
}

function report(results: Result[]): void {
  console.log(`get pods: medians of ${RUNS} runs each: wall time, CPU (user+sys) time, peak RSS (and the largest peak); load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log(`${'case'.padEnd(12)}${'client'.padEnd(22)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(8)}${'RSS MiB (max)'.padStart(15)}   vs kubectl (wall, cpu, RSS)`);
  for (const r of results) {
    const base = results.find((x) => x.case === r.case && x.client.startsWith('kubectl ('));
    const ratio = base && base !== r ? `${(r.ms / base.ms).toFixed(2)}x, ${(r.cpuMs / base.cpuMs).toFixed(2)}x, ${(r.rssKb / base.rssKb).toFixed(2)}x` : '';
    const rss = `${(r.rssKb / 1024).toFixed(1)} (${(r.maxRssKb / 1024).toFixed(1)})`;
    console.log(`${r.case.padEnd(12)}${r.client.padEnd(22)}${r.ms.toFixed(1).padStart(9)}${r.cpuMs.toFixed(0).padStart(8)}${rss.padStart(15)}   ${ratio}`);
  }
  console.log('\ngoals: 5 pods <= 1.0x kubectl time; 5,000 pods <= 0.8x kubectl time and RSS <= kubectl');
  const goals: Record<string, { ms?: number; rss?: number }> = { '5 pods': { ms: 1.0 }, '5,000 pods': { ms: 0.8, rss: 1.0 } };
  for (const c of Object.keys(goals)) {
    const k = results.find((x) => x.case === c && x.client.startsWith('kubectl ('));
    const s = results.find((x) => x.case === c && x.client.startsWith('kubectl sock'));
    if (!k || !s) continue;
    const labels = { kubectlLabel: `kubectl ${k.client.replace(/^kubectl /, '')}`, sockLabel: s.client };
    const g = goals[c] ?? {};
    const goal = (limit: number | undefined, kv: number, sv: number) =>
      limit === undefined ? {} : { goal: `≤ ${limit.toFixed(1)}× kubectl`, met: sv <= limit * kv };
    recordResult({ bench: 'get', case: `get pods, ${c}`, metric: 'median wall time', unit: 'ms', ...labels, kubectl: k.ms, sock: s.ms, better: 'lower', ...goal(g.ms, k.ms, s.ms) });
    recordResult({ bench: 'get', case: `get pods, ${c}`, metric: 'peak RSS (median of runs)', unit: 'MiB', ...labels, kubectl: k.rssKb / 1024, sock: s.rssKb / 1024, better: 'lower', ...goal(g.rss, k.rssKb, s.rssKb) });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
