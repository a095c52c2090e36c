// What every benchmark shares: a fair page-cache state for the binaries it
// compares, and one result format that `make bench` gathers into
// docs/benchmarks.md and its chart (scripts/bench/report.ts).
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/** One measured figure, kubectl beside kubectl-sock. */
export interface BenchResult {
  /** The benchmark (its script name without bench- and .ts). */
  bench: string;
  /** What was measured, e.g. "get pods, 5 pods". */
  case: string;
  /** e.g. "median wall time". */
  metric: string;
  unit: 'ms' | 'MiB' | 'MiB/s' | 'req/s' | 'µs/req';
  /** The name of kubectl's side as run, e.g. "kubectl get (http)". */
  kubectlLabel: string;
  kubectl: number;
  sockLabel: string;
  sock: number;
  better: 'lower' | 'higher';
  /** The goal as text, e.g. "≤ 1.0× kubectl", and whether it was met. */
  goal?: string;
  met?: boolean;
}

/** Appends a result to the file `make bench` collects ($BENCH_RESULTS); without it, nothing is written. */
export function recordResult(r: BenchResult): void {
  const file = process.env['BENCH_RESULTS'];
  if (file) appendFileSync(file, `${JSON.stringify(r)}\n`);
}

/**
 * Drops the binaries' pages from the page cache (posix_fadvise DONTNEED, via
 * dd's nocache flag), so each is then paged in by ordinary faults. A binary
 * that was just written (a fresh build) otherwise sits in the page cache as
 * large folios, and each fault maps a whole folio: the same kubectl-sock
 * showed 60 MiB peak RSS right after `make build` and 49 MiB once evicted,
 * while kubectl, installed long ago, is measured in the evicted state anyway.
 */
export function evictFromPageCache(paths: readonly string[]): void {
  for (const path of paths) {
    const r = spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
    if (r.status !== 0) throw new Error(`dd iflag=nocache ${path}: ${r.stderr}`);
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
