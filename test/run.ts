// Runs the test files of the given tiers, each in its own process (as uvu's
// own suite does), and ends with the plain closing line "N passed, N failed".
// Usage: node test/run.ts [unit] [e2e] [real] [--filter substring]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] ?? '' : '';
const tiers = args.filter((a, i) => !a.startsWith('--') && (filterAt < 0 || i !== filterAt + 1));
const chosen = tiers.length > 0 ? tiers : ['unit', 'e2e'];
const concurrency = Number(process.env['TEST_JOBS'] ?? 2);

function testFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(testFiles(p));
    else if (name.endsWith('.test.ts') && p.includes(filter)) out.push(p);
  }
  return out;
}

interface Result { file: string; passed: number; failed: number; skipped: number; output: string; ms: number }

function runFile(file: string): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('close', (code) => {
      const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? NaN);
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') || 0;
      const ms = Date.now() - started;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        // No uvu summary: the file crashed before finishing; count it as one failure.
        resolve({ file, passed: 0, failed: 1, skipped: 0, output, ms });
        return;
      }
      let failed = total - passed - skipped;
      if (failed === 0 && code !== 0) failed = 1;
      resolve({ file, passed, failed, skipped, output, ms });
    });
  });
}

const files = chosen.flatMap((tier) => testFiles(join(root, 'test', tier)));
const results: Result[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < files.length) {
    const file = files[next++] as string;
    const r = await runFile(file);
    results.push(r);
    const mark = r.failed > 0 ? 'FAIL' : 'ok  ';
    console.log(`${mark} ${relative(root, file)}  (${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}; ${(r.ms / 1000).toFixed(1)}s)`);
    if (r.failed > 0) console.log(r.output.replace(/^/gm, '    | '));
    // Figures a test reports on purpose: property tests' "properties: <parser> <N> inputs", load tests' "load: …",
    // the fault matrix's "faults: N cases survived of N tried".
    else for (const line of r.output.match(/(?<=^|\s)(properties|load|faults): .*$/gm) ?? []) console.log(`     ${line}`);
  }
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
