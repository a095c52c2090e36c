// `make bench` for logs: one run, one fake API server serving a generated log
// (256 MiB by default, no -f), read to /dev/null and into a pipe by
//   kubectl-sock over the unix socket,
//   kubectl over plain HTTP on TCP (the baseline),
//   curl --unix-socket on the same socket (the practical limit),
// with wall time and peak RSS (/usr/bin/time -f %M). Each measurement is the
// best of --repeat runs (5 by default; RSS is the worst), because other work on a
// shared machine only ever adds time. Then --pairs runs (15) of kubectl-sock and
// curl one after the other into `| cat`, whose ratios show how reliably
// kubectl-sock keeps up. Checks the goals: throughput ≥ 5× kubectl's, the
// median ratio to curl into the pipe ≤ 1.5×, peak RSS ≤ 80 MiB.
// Usage: node scripts/bench-logs.ts [--mib N] [--repeat N] [--pairs N] [--no-goals]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer } from '../test/helpers/fake-apiserver.ts';
import { generatedLog, generatedSize } from '../test/helpers/fake-apiserver/generated-log.ts';
import { BINARY, KUBECTL } from '../test/helpers/processes.ts';
import { evictFromPageCache, recordResult } from './bench/results.ts';

const args = process.argv.slice(2);
const option = (name: string, def: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || def : def);
const mib = option('--mib', 256);
const repeat = option('--repeat', 5);
const pairs = option('--pairs', 15);
const checkGoals = !args.includes('--no-goals');
const BYTES = mib * 1024 * 1024;
const SIZE = generatedSize(BYTES);
const GOALS = { vsKubectl: 5, vsCurl: 1.5, rssMiB: 80 };

interface Measure {
  client: string;
  sink: 'devnull' | 'pipe';
  seconds: number;
  rssMiB: number;
  bytes?: number;
}

function sh(script: string): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

const q = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

async function measure(client: string, command: string, sink: Measure['sink'], dir: string): Promise<Measure> {
  const timeFile = join(dir, `${client}-${sink}.time`);
  const timed = `/usr/bin/time -f %M -o ${q(timeFile)} ${command}`;
  const script = sink === 'devnull' ? `${timed} > /dev/null` : `set -o pipefail; ${timed} | wc -c`;
  const r = await sh(script);
  if (r.code !== 0) throw new Error(`${client} (${sink}) failed with ${r.code}: ${r.stderr}`);
  const rssKiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
  const m: Measure = { client, sink, seconds: r.seconds, rssMiB: rssKiB / 1024 };
  if (sink === 'pipe') m.bytes = Number(r.stdout.trim());
  return m;
}

/** The fastest of `repeat` runs, with the highest peak RSS seen; every run must deliver every byte. */
async function best(client: string, command: string, sink: Measure['sink'], dir: string): Promise<Measure> {
  let out: Measure | undefined;
  for (let i = 0; i < repeat; i++) {
    const m = await measure(client, command, sink, dir);
    if (m.bytes !== undefined && m.bytes !== SIZE) throw new Error(`${client} delivered ${m.bytes} bytes, not ${SIZE}`);
    out = !out ? m : { ...(m.seconds < out.seconds ? m : out), rssMiB: Math.max(m.rssMiB, out.rssMiB) };
  }
  return out as Measure;
}

function row(m: Measure): string {
  const rate = BYTES / 1024 / 1024 / m.seconds;
  return `${m.client.padEnd(13)} ${m.sink.padEnd(8)} ${m.seconds.toFixed(2).padStart(7)} s ${rate.toFixed(0).padStart(6)} MiB/s ${m.rssMiB.toFixed(1).padStart(7)} MiB`;
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run make build first`);
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-logs-'));
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  try {
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: 'default' }, spec: { nodeName: 'n', containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running' } });
    api.setLogs('default', 'big', 'app', generatedLog(BYTES));
    const sock = api.unixUrl as string;
    const socketPath = sock.replace('unix://', '');
    const clients: Array<[string, string]> = [
      ['kubectl-sock', `${q(BINARY)} logs big --server ${q(sock)}`],
      ['kubectl', `${q(KUBECTL)} logs big --server ${q(api.httpUrl as string)}`],
      ['curl', `curl -sS --fail --unix-socket ${q(socketPath)} http://localhost/api/v1/namespaces/default/pods/big/log?container=app`],
    ];
    console.log(`logs of ${mib} MiB, no -f, best of ${repeat} runs; server: ${sock} (kubectl: ${api.httpUrl})`);
    console.log(`${'client'.padEnd(13)} ${'sink'.padEnd(8)} ${'wall'.padStart(9)} ${'rate'.padStart(12)} ${'peak RSS'.padStart(11)}`);
    const results: Measure[] = [];
    evictFromPageCache([BINARY, KUBECTL]);
    for (const sink of ['devnull', 'pipe'] as const) {
      for (const [name, command] of clients) {
        const m = await best(name, command, sink, dir);
        results.push(m);
        console.log(row(m));
      }
    }
    const spread = await pairedRatios(clients, dir);
    if (checkGoals) reportGoals(results, spread);
    record(results, spread);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pairs of runs into `| cat`, kubectl-sock then curl: the ratios of their wall times (sorted) and the median times. */
interface Spread {
  ratios: number[];
  sockSeconds: number;
  curlSeconds: number;
}

async function pairedRatios(clients: Array<[string, string]>, dir: string): Promise<Spread> {
  const command = (name: string) => `${clients.find(([n]) => n === name)?.[1] as string} | cat > /dev/null`;
  const sock: number[] = [];
  const curl: number[] = [];
  for (let i = 0; i < pairs; i++) {
    sock.push((await measure('kubectl-sock', command('kubectl-sock'), 'devnull', dir)).seconds);
    curl.push((await measure('curl', command('curl'), 'devnull', dir)).seconds);
  }
  const ratios = sock.map((t, i) => t / (curl[i] as number)).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))] as number;
  console.log(`kubectl-sock over curl into | cat, ${pairs} pairs: min ${at(0).toFixed(2)}×, median ${at(0.5).toFixed(2)}×, p90 ${at(0.9).toFixed(2)}×, max ${at(1).toFixed(2)}×`);
  return { ratios, sockSeconds: median(sock), curlSeconds: median(curl) };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

function record(results: Measure[], spread: Spread): void {
  const get = (client: string, sink: Measure['sink']): Measure => results.find((m) => m.client === client && m.sink === sink) as Measure;
  const labels = { kubectlLabel: 'kubectl logs (http)', sockLabel: 'kubectl sock logs (unix)' };
  for (const sink of ['devnull', 'pipe'] as const) {
    const [k, s] = [get('kubectl', sink), get('kubectl-sock', sink)];
    const rate = (m: Measure) => BYTES / 1024 / 1024 / m.seconds;
    const where = sink === 'devnull' ? 'to /dev/null' : 'into a pipe';
    recordResult({ bench: 'logs', case: `${mib} MiB log ${where}`, metric: 'throughput (best run)', unit: 'MiB/s', ...labels, kubectl: rate(k), sock: rate(s), better: 'higher',
      goal: `≥ ${GOALS.vsKubectl}× kubectl`, met: rate(s) >= GOALS.vsKubectl * rate(k) });
    recordResult({ bench: 'logs', case: `${mib} MiB log ${where}`, metric: 'peak RSS', unit: 'MiB', ...labels, kubectl: k.rssMiB, sock: s.rssMiB, better: 'lower',
      goal: `≤ ${GOALS.rssMiB} MiB`, met: s.rssMiB <= GOALS.rssMiB });
  }
  // The reference here is curl, not kubectl: the row's "kubectl" side is curl --unix-socket.
  recordResult({ bench: 'logs', case: `${mib} MiB log into | cat, beside curl --unix-socket`, metric: `median wall time of ${pairs} pairs`, unit: 'ms',
    kubectlLabel: 'curl --unix-socket', kubectl: spread.curlSeconds * 1000, sockLabel: 'kubectl sock logs (unix)', sock: spread.sockSeconds * 1000, better: 'lower',
    goal: `median ratio ≤ ${GOALS.vsCurl}× curl`, met: median(spread.ratios) <= GOALS.vsCurl });
}

function reportGoals(results: Measure[], spread: Spread): void {
  const get = (client: string, sink: Measure['sink']): Measure => results.find((m) => m.client === client && m.sink === sink) as Measure;
  const lines: Array<[boolean, string]> = [];
  for (const sink of ['devnull', 'pipe'] as const) {
    const ratio = get('kubectl', sink).seconds / get('kubectl-sock', sink).seconds;
    lines.push([ratio >= GOALS.vsKubectl, `throughput vs kubectl (${sink}): ${ratio.toFixed(1)}× (goal ≥ ${GOALS.vsKubectl}×)`]);
  }
  const vsCurl = median(spread.ratios);
  lines.push([vsCurl <= GOALS.vsCurl, `wall time vs curl into | cat, median of ${pairs} pairs: ${vsCurl.toFixed(2)}× (goal ≤ ${GOALS.vsCurl}×)`]);
  const rss = Math.max(...results.filter((m) => m.client === 'kubectl-sock').map((m) => m.rssMiB));
  lines.push([rss <= GOALS.rssMiB, `kubectl-sock peak RSS: ${rss.toFixed(1)} MiB (goal ≤ ${GOALS.rssMiB} MiB)`]);
  for (const [ok, text] of lines) console.log(`${ok ? 'ok  ' : 'MISS'} ${text}`);
  if (lines.some(([ok]) => !ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`bench-logs: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
