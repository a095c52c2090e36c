// Start-up: median wall time of `version --client`, the plugin's binary beside
// kubectl, interleaved in one run so both see the same machine state.
// Usage: node scripts/bench-startup.ts [runs]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evictFromPageCache, median, recordResult } from './bench/results.ts';

const root = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 41);
const kubectl = existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.33') ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33' : 'kubectl';
const subjects: [string, string[]][] = [
  ['kubectl-sock version --client', [join(root, 'dist', 'kubectl-sock'), 'version', '--client']],
  [`kubectl version --client (${kubectl.split('/').pop()})`, [kubectl, 'version', '--client']],
];

/** One run's wall time (ms) and peak RSS (KiB, from GNU time). */
function measure(argv: string[]): { ms: number; rssKiB: number } {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return { ms, rssKiB: Number(r.stderr.trim().split('\n').pop()) };
}

const samples = subjects.map(() => ({ ms: [] as number[], rss: [] as number[] }));
evictFromPageCache(subjects.map(([, argv]) => argv[0] as string));
for (let i = 0; i < 3; i++) subjects.forEach(([, argv]) => measure(argv)); // page both in the same way
for (let i = 0; i < runs; i++) {
  subjects.forEach(([, argv], j) => {
    const m = measure(argv);
    samples[j]?.ms.push(m.ms);
    samples[j]?.rss.push(m.rssKiB);
  });
}
console.log(`start-up, ${runs} interleaved runs each (wall time includes /usr/bin/time's own fork)`);
console.log('| command | median ms | min ms | peak RSS MiB |');
console.log('|---|---:|---:|---:|');
subjects.forEach(([name], j) => {
  const s = samples[j] as { ms: number[]; rss: number[] };
  console.log(`| ${name} | ${median(s.ms).toFixed(1)} | ${Math.min(...s.ms).toFixed(1)} | ${(Math.max(...s.rss) / 1024).toFixed(1)} |`);
});
const [sockS, kubectlS] = samples as [{ ms: number[]; rss: number[] }, { ms: number[]; rss: number[] }];
const labels = { kubectlLabel: 'kubectl version --client', sockLabel: 'kubectl-sock version --client' };
// Issue #17's goal: version --client in at most three quarters of kubectl's time.
const goal = 0.75;
recordResult({ bench: 'startup', case: 'version --client', metric: 'median wall time', unit: 'ms', ...labels, kubectl: median(kubectlS.ms), sock: median(sockS.ms), better: 'lower',
  goal: `≤ ${goal}× kubectl`, met: median(sockS.ms) <= goal * median(kubectlS.ms) });
recordResult({ bench: 'startup', case: 'version --client', metric: 'peak RSS', unit: 'MiB', ...labels, kubectl: Math.max(...kubectlS.rss) / 1024, sock: Math.max(...sockS.rss) / 1024, better: 'lower' });
