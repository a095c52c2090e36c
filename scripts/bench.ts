// `make bench`: every benchmark, each run side by side with kubectl on the
// same server in one run, gathered into docs/benchmarks.md and
// docs/benchmarks.svg. Each scripts/bench-*.ts is also runnable alone.
// Usage: node scripts/bench.ts [name-filter]   (a filtered run does not rewrite docs/)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import type { BenchResult } from './bench/results.ts';
import { renderMarkdown, renderSvg, type BenchRun, type Machine } from './bench/report.ts';

const dir = import.meta.dirname;
const root = join(dir, '..');
const only = process.argv[2];
const scripts = readdirSync(dir).filter((f) => /^bench-.+\.ts$/.test(f) && (!only || f.includes(only))).sort();
const KUBECTL = process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const BINARY = process.env['KUBECTL_SOCK_BINARY'] ?? join(root, 'dist', 'kubectl-sock');

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').split('\n')[0]?.trim() || 'unknown';
}

function machine(): Machine {
  const model = cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadBefore: loadavg().map((l) => l.toFixed(2)).join(', '),
    kubectl: `${KUBECTL} (${firstLine(KUBECTL, ['version', '--client'])})`,
    sock: `${relative(root, BINARY)} (${firstLine(BINARY, ['version', '--client'])})`,
  };
}

/** Runs one script, echoing its output as it comes and keeping it for the report. */
function runScript(script: string, env: NodeJS.ProcessEnv): Promise<BenchRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, script)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c;
      process.stdout.write(c);
    });
    child.on('close', (code) => resolve({ script, command: `node scripts/${script}`, output, status: code ?? 1 }));
  });
}

const resultsDir = mkdtempSync(join(tmpdir(), 'ksock-bench-results-'));
const resultsFile = join(resultsDir, 'results.jsonl');
const about = machine();
const runs: BenchRun[] = [];
try {
  for (const script of scripts) {
    console.log(`\n## ${script}\n`);
    runs.push(await runScript(script, { ...process.env, BENCH_RESULTS: resultsFile }));
  }
  const results: BenchResult[] = existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as BenchResult)
    : [];
  if (!only) {
    const docs = join(root, 'docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'benchmarks.svg'), renderSvg(results));
    writeFileSync(join(docs, 'benchmarks.md'), renderMarkdown(results, runs, about, 'benchmarks.svg'));
    console.log(`\nwrote docs/benchmarks.md and docs/benchmarks.svg (${results.length} figures)`);
  }
  const missed = results.filter((r) => r.met === false);
  for (const r of missed) console.log(`goal missed: ${r.bench} ${r.case} ${r.metric}: ${r.goal}`);
} finally {
  rmSync(resultsDir, { recursive: true, force: true });
}
process.exitCode = runs.some((r) => r.status !== 0) ? 1 : 0;
