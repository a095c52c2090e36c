// Benchmark: `kubectl sock proxy -u` versus `kubectl proxy --unix-socket` in front of
// the same fake API server (TLS + token, in its own process), on loopback only.
//   node scripts/bench-proxy.ts [--requests N] [--concurrency C] [--log-mib M] [--rounds R] [--log-runs L]
// First memory: each proxy's RSS idle, then after 300 GETs of one pod, each on a
// connection of its own (as 300 kubectl runs would), beside a bare Node runtime with the
// modules any Node proxy loads (the floor). Then each round runs both proxies in turn: C
// keep-alive clients on the unix socket share N GETs of one pod (requests/s, p50/p99
// latency). Last, an M MiB log is read through each, L times interleaved (best run).
// Everything is bounded by --timeout (seconds). Needs dist/kubectl-sock (make build).
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { cpuMs, startUntil } from './bench/processes.ts';
import { evictFromPageCache, recordResult } from './bench/results.ts';
import { memoryOf, nodeFloor, sequentialGets, type Memory } from './bench/proxy-memory.ts';

const ROOT = join(import.meta.dirname, '..');
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const POD_PATH = '/api/v1/namespaces/default/pods/bench';
const LOG_PATH = '/api/v1/namespaces/default/pods/bench/log';

const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    'log-mib': { type: 'string', default: '64' },
    rounds: { type: 'string', default: '2' },
    'log-runs': { type: 'string', default: '5' },
    timeout: { type: 'string', default: '900' },
    'serve-fake': { type: 'string' },
  },
});

/** Child mode: the fake API server with one pod whose log is `mib` MiB of 1 KiB lines. */
async function serveFake(dir: string, mib: number): Promise<void> {
  const { startFakeApiServer } = await import('../test/helpers/fake-apiserver.ts');
  const { makePki } = await import('../test/helpers/certs.ts');
  const { kc } = await import('../test/helpers/kubeconfig-builder.ts');
  const pki = await makePki(join(dir, 'pki'));
  const api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key }, token: 'bench-token' });
  api.addObject({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bench', namespace: 'default', labels: { app: 'bench' } },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  });
  // 64 distinct 1 KiB lines, reused: the fake writes each line on its own, as a kubelet stream arrives.
  const texts = Array.from({ length: 64 }, (_, i) => `${String(i).padStart(4, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(29).slice(0, 1018)}`);
  const now = new Date();
  api.setLogs('default', 'bench', 'app', Array.from({ length: mib * 1024 }, (_, i) => ({ time: now, text: texts[i % 64] as string })));
  const kubeconfig = kc()
    .cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
    .user('bench', { token: 'bench-token' })
    .context('bench', { cluster: 'fake', user: 'bench' })
    .current('bench')
    .write(join(dir, 'bench.kubeconfig'));
  process.stdout.write(`${JSON.stringify({ kubeconfig })}\n`);
  process.once('SIGTERM', () => void api.close().then(() => process.exit(0)));
}

interface LoadResult { seconds: number; latencies: number[] }

/** C clients, one keep-alive connection each, share N sequential GETs; every answer must be 200. */
async function load(socketPath: string, requests: number, concurrency: number): Promise<LoadResult> {
  const clients = Array.from({ length: concurrency }, () => new Client('http://localhost', { socketPath, pipelining: 1 }));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(clients.map(async (client) => {
    while (next < requests) {
      next++;
      const t0 = performance.now();
      const res = await client.request({ method: 'GET', path: POD_PATH, headers: { accept: 'application/json' } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET ${POD_PATH}: ${res.statusCode}`);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  return { seconds, latencies };
}

/** Reads the whole log through the socket; returns bytes and seconds. */
async function readLogs(socketPath: string): Promise<{ bytes: number; seconds: number }> {
  const client = new Client('http://localhost', { socketPath, bodyTimeout: 0, headersTimeout: 0 });
  const started = performance.now();
  const res = await client.request({ method: 'GET', path: LOG_PATH });
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  if (res.statusCode !== 200) throw new Error(`GET ${LOG_PATH}: ${res.statusCode}`);
  return { bytes, seconds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Row {
  name: string; requests: number; seconds: number; latencies: number[];
  /** The best log run's bytes and seconds, and the proxy's CPU time in it. */
  logBytes: number; logSeconds: number; logCpuMs: number; cpuMs: number;
  idle?: Memory; afterGets?: Memory;
}

const LABELS = { kubectlLabel: 'kubectl proxy --unix-socket', sockLabel: 'kubectl sock proxy --unix-socket' };
/** The goals: RSS after 300 GETs ≤ 1.2× kubectl proxy's; a log at least as fast. */
const RSS_GOAL = 1.2;
const LOG_GOAL = 1.0;

function record(rows: Row[], concurrency: number, mib: number): void {
  const mine = rows.find((r) => r.name.startsWith('kubectl-sock'));
  const theirs = rows.find((r) => r.name === 'kubectl proxy');
  if (!mine || !theirs) return;
  const at = `${concurrency} clients`;
  const lat = (r: Row, p: number) => percentile([...r.latencies].sort((a, b) => a - b), p);
  const mem = (r: Row, k: 'idle' | 'afterGets') => (r[k]?.rssKb ?? NaN) / 1024;
  recordResult({ bench: 'proxy', case: 'idle, serving nothing yet', metric: 'RSS', unit: 'MiB', ...LABELS, kubectl: mem(theirs, 'idle'), sock: mem(mine, 'idle'), better: 'lower' });
  recordResult({ bench: 'proxy', case: `after ${GETS} GETs, one connection each`, metric: 'RSS', unit: 'MiB', ...LABELS, kubectl: mem(theirs, 'afterGets'), sock: mem(mine, 'afterGets'), better: 'lower',
    goal: `≤ ${RSS_GOAL.toFixed(1)}× kubectl`, met: mem(mine, 'afterGets') <= RSS_GOAL * mem(theirs, 'afterGets') });
  recordResult({ bench: 'proxy', case: `GET a pod, ${at}`, metric: 'requests per second', unit: 'req/s', ...LABELS, kubectl: theirs.requests / theirs.seconds, sock: mine.requests / mine.seconds, better: 'higher' });
  recordResult({ bench: 'proxy', case: `GET a pod, ${at}`, metric: 'p99 latency', unit: 'ms', ...LABELS, kubectl: lat(theirs, 99), sock: lat(mine, 99), better: 'lower' });
  recordResult({ bench: 'proxy', case: `GET a pod, ${at}`, metric: 'proxy CPU per request', unit: 'µs/req', ...LABELS, kubectl: (theirs.cpuMs * 1000) / theirs.requests, sock: (mine.cpuMs * 1000) / mine.requests, better: 'lower' });
  const speed = (r: Row) => r.logBytes / (1 << 20) / r.logSeconds;
  recordResult({ bench: 'proxy', case: `a ${mib} MiB log streamed through the proxy`, metric: 'throughput (best run)', unit: 'MiB/s', ...LABELS, kubectl: speed(theirs), sock: speed(mine), better: 'higher',
    goal: `≥ ${LOG_GOAL.toFixed(1)}× kubectl`, met: speed(mine) >= LOG_GOAL * speed(theirs) });
}

function printTable(head: string[], lines: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  console.log(fmt(head));
  for (const l of lines) console.log(fmt(l));
}

function printLoad(rows: Row[], concurrency: number): void {
  printTable(['proxy', 'requests', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'proxy CPU µs/req', 'log MiB', 'best log s', 'log MiB/s', 'its proxy CPU ms'], rows.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const mib = r.logBytes / (1 << 20);
    return [r.name, String(r.requests), String(concurrency), (r.requests / r.seconds).toFixed(0), percentile(sorted, 50).toFixed(2),
      percentile(sorted, 99).toFixed(2), ((r.cpuMs * 1000) / r.requests).toFixed(0), mib.toFixed(0), r.logSeconds.toFixed(2), (mib / r.logSeconds).toFixed(0), r.logCpuMs.toFixed(0)];
  }));
}

/** RSS, and what it is made of: file-backed pages (the binary's code and data) and anonymous memory (heaps, buffers). */
function printMemory(rows: Row[], floor: Memory | undefined): void {
  const mib = (kb: number | undefined) => (kb === undefined ? '-' : (kb / 1024).toFixed(1));
  const lines = rows.flatMap((r) => [['idle', r.idle], [`after ${GETS} GETs`, r.afterGets]].map(([when, m]) => {
    const x = m as Memory | undefined;
    return [r.name, when as string, mib(x?.rssKb), mib(x?.fileKb), mib(x?.anonKb)];
  }));
  if (floor) lines.push(['bare Node runtime (floor)', 'http, tls, a listening socket', mib(floor.rssKb), mib(floor.fileKb), mib(floor.anonKb)]);
  printTable(['process', 'when', 'RSS MiB', 'file-backed MiB', 'anonymous MiB'], lines);
}

interface Target { name: string; socket: string; pid?: number }

/** Starts the fake API server and both proxies in front of it; returns the proxies to measure. */
async function startAll(dir: string, mib: number, children: ChildProcess[]): Promise<Target[]> {
  const ready = await startUntil(process.execPath, [import.meta.filename, '--serve-fake', dir, '--log-mib', String(mib)], /^\{/, children);
  const { kubeconfig } = JSON.parse(ready) as { kubeconfig: string };
  const targets: Target[] = [];
  evictFromPageCache(existsSync(KUBECTL) ? [BINARY, KUBECTL] : [BINARY]);
  await startUntil(BINARY, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'sock.sock')}`], /^Starting to serve on /, children);
  targets.push({ name: 'kubectl-sock proxy', socket: join(dir, 'sock.sock'), pid: children.at(-1)?.pid });
  if (existsSync(KUBECTL)) {
    await startUntil(KUBECTL, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'kubectl.sock')}`], /^Starting to serve on /, children);
    targets.push({ name: 'kubectl proxy', socket: join(dir, 'kubectl.sock'), pid: children.at(-1)?.pid });
  } else {
    console.error(`bench-proxy: ${KUBECTL} not found; measuring kubectl-sock only`);
  }
  return targets;
}

/** GETs a proxy serves before its RSS is taken (the measure). */
const GETS = 300;

/** Memory first, on fresh proxies; then the load rounds; then the log runs. Rounds alternate the order of the proxies. */
async function measure(targets: Target[], requests: number, concurrency: number, rounds: number, logRuns: number): Promise<Row[]> {
  const rows = new Map(targets.map((p) => [p.name, { name: p.name, requests: 0, seconds: 0, latencies: [] as number[], logBytes: 0, logSeconds: Infinity, logCpuMs: 0, cpuMs: 0 } as Row]));
  // Let each settle after start-up before the idle figure.
  await new Promise((r) => setTimeout(r, 1000));
  for (const p of targets) (rows.get(p.name) as Row).idle = memoryOf(p.pid);
  for (const p of targets) {
    await sequentialGets(p.socket, POD_PATH, GETS);
    await new Promise((r) => setTimeout(r, 500));
    (rows.get(p.name) as Row).afterGets = memoryOf(p.pid);
  }
  for (const p of targets) await load(p.socket, Math.min(2000, requests), concurrency); // warm-up: connections, TLS, JIT
  for (let round = 0; round < rounds; round++) {
    for (const p of round % 2 === 0 ? targets : [...targets].reverse()) {
      const row = rows.get(p.name) as Row;
      const cpu0 = cpuMs(p.pid);
      const r = await load(p.socket, requests, concurrency);
      row.cpuMs += cpuMs(p.pid) - cpu0;
      row.requests += requests;
      row.seconds += r.seconds;
      row.latencies.push(...r.latencies);
    }
  }
  for (let run = 0; run < logRuns; run++) {
    for (const p of run % 2 === 0 ? targets : [...targets].reverse()) {
      const row = rows.get(p.name) as Row;
      const cpu0 = cpuMs(p.pid);
      const l = await readLogs(p.socket);
      if (l.seconds < row.logSeconds) Object.assign(row, { logBytes: l.bytes, logSeconds: l.seconds, logCpuMs: cpuMs(p.pid) - cpu0 });
    }
  }
  return [...rows.values()];
}

async function main(): Promise<void> {
  const [requests, concurrency, mib, rounds, logRuns] = [opts.requests, opts.concurrency, opts['log-mib'], opts.rounds, opts['log-runs']].map(Number) as [number, number, number, number, number];
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-'));
  const children: ChildProcess[] = [];
  const deadline = setTimeout(() => {
    console.error(`bench-proxy: gave up after --timeout=${opts.timeout}s`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, Number(opts.timeout) * 1000);
  try {
    const targets = await startAll(dir, mib, children);
    const rows = await measure(targets, requests, concurrency, rounds, logRuns);
    const floor = await nodeFloor(join(dir, 'floor.sock'));
    console.log(`memory: RSS idle, then after ${GETS} GET ${POD_PATH}, each on a connection of its own (/proc/PID/status)`);
    printMemory(rows, floor);
    console.log(`\n${rounds} round(s); ${requests} GET ${POD_PATH} per round over ${concurrency} keep-alive connections; a ${mib} MiB log read ${logRuns} times through each (best run)`);
    printLoad(rows, concurrency);
    record(rows, concurrency, mib);
  } finally {
    clearTimeout(deadline);
    for (const c of children.reverse()) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opts['serve-fake']) {
  await serveFake(opts['serve-fake'], Number(opts['log-mib']));
} else {
  await main();
}
