// Benchmark: `kubectl sock get pods` beside kubectl on the same fake API server:
// kubectl-sock over a unix socket, kubectl over plain HTTP on TCP, each through
// its own ~/.kube/config (as users run them; the headline row), the same 5-pod
// get with --server and no kubeconfig, and big lists: 5,000 pods, and 50,000
// pods as a table and as -o json.
//   node scripts/bench-get.ts [--runs N] [--big-runs N] [--only LABEL] [--cpu-prof DIR]
// Both clients keep a warm discovery cache (as after a first use), and both
// binaries are evicted from the page cache first, then paged in alike. The fake
// answers through a replay cache, so the figures measure the clients, not the fake.
// Reports median wall time, CPU time and peak RSS (/usr/bin/time -f %M) of each.
// Needs dist/kubectl-sock (make build).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGetWorld, type GetWorld } from './bench/get-world.ts';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';
import { timedRun, type TimedRun } from './bench/timed-run.ts';

const ROOT = join(import.meta.dirname, '..');
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

const { values: opts } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, 'big-runs': { type: 'string', default: '3' }, only: { type: 'string' }, 'cpu-prof': { type: 'string' } },
});
const RUNS = Math.max(1, Number(opts.runs));
const BIG_RUNS = Math.max(1, Number(opts['big-runs']));

interface Client {
  name: string;
  cmd: string;
  base: string[];
  env: NodeJS.ProcessEnv;
}

interface Case {
  label: string;
  args: string[];
  /** Through each client's kubeconfig (what users run), or --server with no kubeconfig. */
  via: 'kubeconfig' | 'server';
  big: boolean;
  goals: { ms?: number; rss?: number };
}

const CASES: Case[] = [
  { label: '5 pods, kubeconfig', args: ['get', 'pods', '-n', 'small'], via: 'kubeconfig', big: false, goals: { ms: 0.9 } },
  { label: '5 pods, --server', args: ['get', 'pods', '-n', 'small'], via: 'server', big: false, goals: { ms: 1.0 } },
  { label: '5,000 pods', args: ['get', 'pods', '-n', 'big'], via: 'kubeconfig', big: false, goals: { ms: 0.8, rss: 1.0 } },
  { label: '50,000 pods', args: ['get', 'pods', '-n', 'huge'], via: 'kubeconfig', big: true, goals: { ms: 0.1, rss: 0.4 } },
  { label: '50,000 pods, -o json', args: ['get', 'pods', '-n', 'huge', '-o', 'json'], via: 'kubeconfig', big: true, goals: { ms: 0.1, rss: 0.8 } },
];

/** Each client's sha256 of stdout (streamed: a 50,000-pod list is too big to hold twice). */
function digest(c: Client, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(c.cmd, [...c.base, ...args], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => hash.update(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(hash.digest('hex')) : reject(new Error(`${c.name} exited ${code}: ${stderr}`))));
  });
}

/** Both clients, warmed, then interleaved runs (so drift in machine load hits both alike). */
async function measure(clients: Client[], k: Case, stats: string): Promise<Result[]> {
  // Warm: discovery caches, the replay cache, and the page cache for both binaries (paged in alike).
  evictFromPageCache(clients.map((c) => c.cmd));
  // Like for like: both must print the same bytes.
  const digests: string[] = [];
  for (const c of clients) digests.push(await digest(c, k.args));
  if (digests.some((d) => d !== digests[0])) throw new Error(`${k.label}: the two clients print different output`);
  if (!k.big) for (const c of clients) await timedRun(c.cmd, [...c.base, ...k.args], c.env, stats);
  const samples = clients.map(() => [] as TimedRun[]);
  for (let r = 0; r < (k.big ? BIG_RUNS : RUNS); r++) {
    for (const [i, c] of clients.entries()) samples[i]?.push(await timedRun(c.cmd, [...c.base, ...k.args], c.env, stats));
  }
  return clients.map((c, i) => {
    const s = samples[i] as TimedRun[];
    return {
      case: k.label,
      client: c.name,
      ms: median(s.map((x) => x.ms)),
      cpuMs: median(s.map((x) => x.cpuMs)),
      rssKb: median(s.map((x) => x.rssKb)),
      maxRssKb: Math.max(...s.map((x) => x.rssKb)),
    };
  });
}

function clientsFor(world: GetWorld, via: Case['via']): Client[] {
  const base = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  if (via === 'kubeconfig') {
    return [
      { name: 'kubectl (http tcp)', cmd: KUBECTL, base: [], env: { ...base, HOME: world.home('home-kubectl', world.tcpUrl) } },
      { name: 'kubectl sock (unix)', cmd: BINARY, base: [], env: { ...base, HOME: world.home('home-sock', world.unixUrl) } },
    ];
  }
  const cacheDir = join(world.dir, 'cache');
  return [
    { name: 'kubectl (http tcp)', cmd: KUBECTL, base: ['--server', world.tcpUrl, '--cache-dir', cacheDir], env: { ...base, HOME: world.dir } },
    { name: 'kubectl sock (unix)', cmd: BINARY, base: ['--server', world.unixUrl, '--cache-dir', cacheDir], env: { ...base, HOME: world.dir } },
  ];
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const cases = CASES.filter((k) => !opts.only || k.label.includes(opts.only));
  const world = await startGetWorld({ small: 5, big: 5000, ...(cases.some((k) => k.big) ? { huge: 50_000 } : {}) });
  try {
    const results: Result[] = [];
    for (const k of cases) results.push(...(await measure(clientsFor(world, k.via), k, join(world.dir, 'time.out'))));
    if (opts['cpu-prof']) await profile(opts['cpu-prof'], world);
    report(results, cases);
  } finally {
    await world.close();
  }
}

/**
 * Runs the bundle (not the binary, which ignores Node flags) with V8's CPU
 * profiler on the 5,000-pod case; a first run fills Node's compile cache, as
 * the binary's code cache would be.
 */
async function profile(out: string, world: GetWorld): Promise<void> {
  const node = join(ROOT, 'node_modules', '.bin', 'node');
  const bundle = join(ROOT, 'dist', 'kubectl-sock.cjs');
  const home = world.home('home-sock', world.unixUrl);
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, NODE_COMPILE_CACHE: join(world.dir, 'node-compile-cache') };
  const args = [bundle, 'get', 'pods', '-n', 'big'];
  await timedRun(node, args, env, join(out, 'time.out'));
  await timedRun(node, ['--cpu-prof', '--cpu-prof-dir', out, ...args], env, join(out, 'time.out'));
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

function report(results: Result[], cases: Case[]): void {
  console.log(`get pods: medians of ${RUNS} runs each (${BIG_RUNS} at 50,000 pods): wall time, CPU (user+sys) time, peak RSS (and the largest peak); load average ${loadavg()[0]?.toFixed(1)}\n`);
  console.log(`${'case'.padEnd(22)}${'client'.padEnd(22)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(8)}${'RSS MiB (max)'.padStart(15)}   vs kubectl (wall, cpu, RSS)`);
  for (const r of results) {
    const base = results.find((x) => x.case === r.case && x.client.startsWith('kubectl ('));
    const ratio = base && base !== r ? `${(r.ms / base.ms).toFixed(2)}x, ${(r.cpuMs / base.cpuMs).toFixed(2)}x, ${(r.rssKb / base.rssKb).toFixed(2)}x` : '';
    const rss = `${(r.rssKb / 1024).toFixed(1)} (${(r.maxRssKb / 1024).toFixed(1)})`;
    console.log(`${r.case.padEnd(22)}${r.client.padEnd(22)}${r.ms.toFixed(1).padStart(9)}${r.cpuMs.toFixed(0).padStart(8)}${rss.padStart(15)}   ${ratio}`);
  }
  console.log('\ngoals (kubectl-sock over kubectl):');
  for (const k of cases) {
    const goals = [k.goals.ms && `time <= ${k.goals.ms}x`, k.goals.rss && `RSS <= ${k.goals.rss}x`].filter(Boolean);
    if (goals.length) console.log(`  ${k.label}: ${goals.join(', ')}`);
  }
  for (const k of cases) {
    const kc = results.find((x) => x.case === k.label && x.client.startsWith('kubectl ('));
    const s = results.find((x) => x.case === k.label && x.client.startsWith('kubectl sock'));
    if (!kc || !s) continue;
    const labels = { kubectlLabel: `kubectl ${kc.client.replace(/^kubectl /, '')}`, sockLabel: s.client };
    const goal = (limit: number | undefined, kv: number, sv: number) =>
      limit === undefined ? {} : { goal: `≤ ${limit.toFixed(1)}× kubectl`, met: sv <= limit * kv };
    recordResult({ bench: 'get', case: `get pods, ${k.label}`, metric: 'median wall time', unit: 'ms', ...labels, kubectl: kc.ms, sock: s.ms, better: 'lower', ...goal(k.goals.ms, kc.ms, s.ms) });
    recordResult({ bench: 'get', case: `get pods, ${k.label}`, metric: 'peak RSS (median of runs)', unit: 'MiB', ...labels, kubectl: kc.rssKb / 1024, sock: s.rssKb / 1024, better: 'lower', ...goal(k.goals.rss, kc.rssKb, s.rssKb) });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
