// Benchmark: `kubectl sock serve` beside `kubectl sock proxy` and `kubectl proxy`,
// all in front of the same fake API server (TLS + token, in its own process:
// bench-proxy.ts --serve-fake), on loopback and unix sockets only.
//   node scripts/bench-serve.ts [--requests N] [--concurrency C] [--rounds R] [--processes P] [--scale-seconds S] [--only speed,memory,scale]
// 1. Speed: C keep-alive clients share N GETs of one pod, through serve (the
//    clients spread over its 100 sockets), through one `kubectl sock proxy` and
//    through one `kubectl proxy`, in alternating order: p99 latency and the
//    server's CPU per request.
// 2. Memory: one serve with 100 sockets beside 100 `kubectl sock proxy` and 100
//    `kubectl proxy` processes, each socket warmed with 50 GETs: total RSS.
// 3. Scale: serve with 500 sockets and 200 clients over all of them, 20 more
//    granted sockets holding a watch each, revoked mid-load; beside one kubectl
//    proxy taking the same 200 clients, and another holding the 20 watches,
//    ended with SIGTERM (revoking a proxy means ending it). Peak RSS, the time
//    until every revoked watch is closed, requests lost, descriptors.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { stringify } from 'yaml';
import { openFds, rssKiB, settledFds } from '../test/helpers/proc.ts';
import { startRevocationProbe } from '../test/helpers/serve.ts';
import { cpuMs, startUntil } from './bench/processes.ts';
import { evictFromPageCache, recordResult } from './bench/results.ts';

const ROOT = join(import.meta.dirname, '..');
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(ROOT, 'dist', 'kubectl-sock');
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const POD_PATH = '/api/v1/namespaces/default/pods/bench';
const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
    processes: { type: 'string', default: '100' },
    'scale-seconds': { type: 'string', default: '20' },
    timeout: { type: 'string', default: '1200' },
    only: { type: 'string' },
  },
});
const [REQUESTS, CONCURRENCY, ROUNDS, PROCESSES, SCALE_S] = [opts.requests, opts.concurrency, opts.rounds, opts.processes, opts['scale-seconds']].map(Number) as [number, number, number, number, number];
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-serve-'));
const MIB = (kib: number) => kib / 1024;

/** Starts a process; resolves with it once a line of its stdout matches `ready`. */
async function start(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const readyLine = startUntil(cmd, args, ready, children);
  // startUntil spawns at once: the child is the last one now, whatever else starts while it gets ready.
  const child = children.at(-1) as ChildProcess;
  await readyLine;
  return child;
}

function stop(c: ChildProcess): Promise<void> {
  return new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM'))));
}

/** `serve` with `n` sockets named s0.sock…, owned by this user; resolves with it once it serves. */
async function startServe(kubeconfig: string, n: number, name: string): Promise<{ child: ChildProcess; sockets: string[]; control: string }> {
  const d = join(dir, name);
  mkdirSync(d);
  const sockets = Array.from({ length: n }, (_, i) => join(d, `s${i}.sock`));
  writeFileSync(join(d, 'serve.yaml'), stringify({ apiVersion: 'sock.kubectl.io/v1alpha1', kind: 'ServeConfig', sockets: sockets.map((path, i) => ({ path, owner: String(userInfo().uid), as: `user-${i}` })) }));
  const control = join(d, 'control', 'serve.sock');
  const child = await start(BINARY, ['serve', '--kubeconfig', kubeconfig, '--config', join(d, 'serve.yaml'), '--control-socket', control, '--state-file', join(d, 'grants.yaml'), '--grant-dir', d], /^Serving /);
  return { child, sockets, control };
}

interface Load { requests: number; seconds: number; latencies: number[]; failed: number }

/** `clients` keep-alive clients, client i on sockets[i % n], share `requests` GETs; a failure is counted, not thrown. */
async function load(sockets: readonly string[], requests: number, clients: number): Promise<Load> {
  const pool = Array.from({ length: clients }, (_, i) => new Client('http://localhost', { socketPath: sockets[i % sockets.length] as string, pipelining: 1 }));
  const r: Load = { requests: 0, seconds: 0, latencies: [], failed: 0 };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(pool.map(async (c) => {
    while (next < requests) {
      next++;
      const t = performance.now();
      try {
        const res = await c.request({ method: 'GET', path: POD_PATH, headers: { accept: 'application/json' } });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(String(res.statusCode));
        r.latencies.push(performance.now() - t);
        r.requests++;
      } catch {
        r.failed++;
      }
    }
  }));
  r.seconds = (performance.now() - t0) / 1000;
  await Promise.all(pool.map((c) => c.close()));
  return r;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.99 * xs.length))] ?? NaN;

async function speed(kubeconfig: string): Promise<void> {
  const serve = await startServe(kubeconfig, 100, 'speed');
  const targets = [{ name: 'kubectl sock serve (100 sockets)', sockets: serve.sockets, pid: serve.child.pid as number }];
  const sockProxy = await start(BINARY, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'sock-proxy.sock')}`], /^Starting to serve on /);
  targets.push({ name: 'kubectl sock proxy', sockets: [join(dir, 'sock-proxy.sock')], pid: sockProxy.pid as number });
  const kubectlProxy = await start(KUBECTL, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'kubectl-proxy.sock')}`], /^Starting to serve on /);
  targets.push({ name: 'kubectl proxy', sockets: [join(dir, 'kubectl-proxy.sock')], pid: kubectlProxy.pid as number });
  const rows = new Map(targets.map((t) => [t.name, { latencies: [] as number[], cpu: 0, requests: 0, seconds: 0 }]));
  for (const t of targets) await load(t.sockets, 2000, CONCURRENCY); // warm-up: connections, TLS, JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      const row = rows.get(t.name) as { latencies: number[]; cpu: number; requests: number; seconds: number };
      const c0 = cpuMs(t.pid);
      const r = await load(t.sockets, REQUESTS, CONCURRENCY);
      if (r.failed > 0) throw new Error(`${t.name}: ${r.failed} requests failed`);
      row.cpu += cpuMs(t.pid) - c0;
      row.latencies.push(...r.latencies);
      row.requests += r.requests;
      row.seconds += r.seconds;
    }
  }
  console.log(`speed: ${ROUNDS} round(s) of ${REQUESTS} GET ${POD_PATH} over ${CONCURRENCY} keep-alive clients`);
  for (const [name, r] of rows) console.log(`  ${name.padEnd(34)} ${(r.requests / r.seconds).toFixed(0).padStart(6)} req/s  p99 ${p99(r.latencies).toFixed(2).padStart(7)} ms  CPU ${((r.cpu * 1000) / r.requests).toFixed(0).padStart(5)} µs/req`);
  const s = rows.get(targets[0]!.name)!;
  for (const other of targets.slice(1)) {
    const o = rows.get(other.name)!;
    const labels = { kubectlLabel: other.name, sockLabel: targets[0]!.name };
    const kase = `GET a pod, ${CONCURRENCY} clients: ${other.name} (grey) beside serve over 100 sockets`;
    recordResult({ bench: 'serve', case: kase, metric: 'p99 latency', unit: 'ms', ...labels, kubectl: p99(o.latencies), sock: p99(s.latencies), better: 'lower' });
    recordResult({ bench: 'serve', case: kase, metric: 'server CPU per request', unit: 'µs/req', ...labels, kubectl: (o.cpu * 1000) / o.requests, sock: (s.cpu * 1000) / s.requests, better: 'lower' });
  }
  await Promise.all([stop(serve.child), stop(sockProxy), stop(kubectlProxy)]);
}

/** Starts `n` proxies of one kind, 10 at a time; returns them with their sockets. */
async function proxies(cmd: string, kubeconfig: string, n: number, name: string): Promise<{ procs: ChildProcess[]; sockets: string[] }> {
  const sockets = Array.from({ length: n }, (_, i) => join(dir, `${name}-${i}.sock`));
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i += 10) {
    procs.push(...(await Promise.all(sockets.slice(i, i + 10).map((s) => start(cmd, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${s}`], /^Starting to serve on /)))));
  }
  return { procs, sockets };
}

async function memory(kubeconfig: string): Promise<void> {
  // Ten sockets at a time: a hundred new TLS connections at once would time out at the one fake API server.
  const warm = async (sockets: string[]) => {
    for (let i = 0; i < sockets.length; i += 10) await load(sockets.slice(i, i + 10), Math.min(10, sockets.length - i) * 50, Math.min(10, sockets.length - i));
  };
  const serve = await startServe(kubeconfig, PROCESSES, 'memory');
  await warm(serve.sockets);
  const serveMiB = MIB(rssKiB(serve.child.pid as number));
  await stop(serve.child);
  const totals: Record<string, number> = {};
  for (const [label, cmd] of [['kubectl sock proxy', BINARY], ['kubectl proxy', KUBECTL]] as const) {
    const p = await proxies(cmd, kubeconfig, PROCESSES, label.replace(/ /g, '-'));
    await warm(p.sockets);
    totals[label] = MIB(p.procs.reduce((n, c) => n + rssKiB(c.pid as number), 0));
    await Promise.all(p.procs.map(stop));
  }
  console.log(`memory: ${PROCESSES} sockets, each warmed with 50 GETs: serve ${serveMiB.toFixed(1)} MiB in one process; ${PROCESSES} kubectl sock proxy ${totals['kubectl sock proxy']!.toFixed(0)} MiB; ${PROCESSES} kubectl proxy ${totals['kubectl proxy']!.toFixed(0)} MiB`);
  for (const label of ['kubectl sock proxy', 'kubectl proxy']) {
    recordResult({ bench: 'serve', case: `${PROCESSES} sockets: ${PROCESSES} ${label} processes (grey) beside one serve`, metric: 'total RSS', unit: 'MiB', kubectlLabel: `${PROCESSES} × ${label}`, kubectl: totals[label] as number, sockLabel: `kubectl sock serve, ${PROCESSES} sockets`, sock: serveMiB, better: 'lower' });
  }
}

/** 200 clients for SCALE_S seconds with RSS sampled; `revoke` runs halfway. */
async function underLoad(sockets: string[], pid: number, revoke: () => Promise<number>): Promise<{ load: Load; peakMiB: number; cutMs: number }> {
  let peak = rssKiB(pid);
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssKiB(pid));
    } catch {
      // It has exited: the error surfaces where it is awaited.
    }
  }, 100);
  const deadline = Date.now() + SCALE_S * 1000;
  const total: Load = { requests: 0, seconds: 0, latencies: [], failed: 0 };
  const running = (async () => {
    while (Date.now() < deadline) {
      const r = await load(sockets, 4000, 200);
      total.requests += r.requests;
      total.failed += r.failed;
    }
  })();
  try {
    await new Promise((r) => setTimeout(r, (SCALE_S * 1000) / 2));
    const cutMs = await revoke();
    await running;
    return { load: total, peakMiB: MIB(peak), cutMs };
  } finally {
    clearInterval(sampler);
  }
}

async function scale(kubeconfig: string): Promise<void> {
  const serve = await startServe(kubeconfig, 500, 'scale');
  const pid = serve.child.pid as number;
  const fds0 = openFds(pid).length;
  const granted = Array.from({ length: 20 }, (_, i) => join(dir, 'scale', `r${i}.sock`));
  for (const [i, path] of granted.entries()) {
    await new Promise<void>((ok, fail) => {
      const c = spawn(BINARY, ['grant', String(userInfo().uid), '--as', `revoked-${i}`, '--path', path, '--control-socket', serve.control], { stdio: 'ignore' });
      c.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`grant exited ${code}`))));
    });
  }
  // The revoked watches are held, and the revocation sent and timed, by a process that does nothing else.
  const ourProbe = await startRevocationProbe({ control: serve.control, target: String(userInfo().uid) }, granted);
  const ours = await underLoad(serve.sockets, pid, () => ourProbe.revoke());
  // Idle upstream connections close after the API server's keep-alive hint.
  const fds1 = (await settledFds(pid, fds0, 15_000)).length;
  await stop(serve.child);
  const loadProxy = await start(KUBECTL, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'scale-kubectl.sock')}`], /^Starting to serve on /);
  const userProxy = await start(KUBECTL, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${join(dir, 'scale-user.sock')}`], /^Starting to serve on /);
  const theirProbe = await startRevocationProbe({ kill: userProxy.pid as number }, Array(20).fill(join(dir, 'scale-user.sock')));
  const theirs = await underLoad([join(dir, 'scale-kubectl.sock')], loadProxy.pid as number, () => theirProbe.revoke());
  await stop(loadProxy);
  console.log(`scale: serve, 500 sockets + 20 granted, 200 clients for ${SCALE_S} s: ${ours.load.requests} requests, ${ours.load.failed} lost, peak RSS ${ours.peakMiB.toFixed(1)} MiB, fds ${fds0}→${fds1}, 20 revoked watches closed ${ours.cutMs.toFixed(0)} ms after the revocation`);
  console.log(`scale: kubectl proxy, 1 socket, the same 200 clients: ${theirs.load.requests} requests, ${theirs.load.failed} lost, peak RSS ${theirs.peakMiB.toFixed(1)} MiB; another ended by SIGTERM closed its 20 watches in ${theirs.cutMs.toFixed(0)} ms`);
  const labels = { kubectlLabel: 'kubectl proxy, 1 socket', sockLabel: 'kubectl sock serve, 500 sockets' };
  recordResult({ bench: 'serve', case: '200 clients: kubectl proxy on 1 socket (grey) beside serve over 500 sockets', metric: 'peak RSS', unit: 'MiB', ...labels, kubectl: theirs.peakMiB, sock: ours.peakMiB, better: 'lower', goal: 'serve ≤ 150 MiB', met: ours.peakMiB <= 150 });
  recordResult({ bench: 'serve', case: 'revoking 20 watches under load: SIGTERM to a kubectl proxy of their own (grey; it carries none of the load) beside kubectl sock revoke in the loaded serve', metric: 'until the last connection closed', unit: 'ms', ...labels, kubectl: theirs.cutMs, sock: ours.cutMs, better: 'lower', goal: 'serve ≤ 1000 ms', met: ours.cutMs <= 1000 });
  if (ours.load.failed > 0 || fds1 > fds0) throw new Error(`serve lost ${ours.load.failed} requests; fds ${fds0}→${fds1}`);
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is missing: this benchmark compares with kubectl proxy`);
  const deadline = setTimeout(() => {
    console.error(`bench-serve: gave up after --timeout=${opts.timeout}s`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, Number(opts.timeout) * 1000);
  try {
    // The fake API server of bench-proxy, in its own process: one pod, TLS, a token.
    mkdirSync(join(dir, 'fake'));
    const ready = await startUntil(process.execPath, [join(import.meta.dirname, 'bench-proxy.ts'), '--serve-fake', join(dir, 'fake'), '--log-mib', '1'], /^\{/, children);
    const { kubeconfig } = JSON.parse(ready) as { kubeconfig: string };
    evictFromPageCache([BINARY, KUBECTL]);
    const parts = opts.only ? opts.only.split(',') : ['speed', 'memory', 'scale'];
    if (parts.includes('speed')) await speed(kubeconfig);
    if (parts.includes('memory')) await memory(kubeconfig);
    if (parts.includes('scale')) await scale(kubeconfig);
  } finally {
    clearTimeout(deadline);
    for (const c of children.reverse()) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
