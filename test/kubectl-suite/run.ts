// make test-kubectl-suite: kubectl's own CLI suite through kubectl-sock (unix
// socket) and, side by side, the control run with the real kubectl.1.33 (TLS),
// each on its own control plane of the same build and flags; prints one table.
//
//   node test/kubectl-suite/run.ts [--only fn,fn] [--pinned] [--mode sock|kubectl|both] [--out DIR]
//   node test/kubectl-suite/run.ts --table DIR      (the table of a finished run, with today's lists)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { ROOT } from '../helpers/processes.ts';
import { allFunctions, listFile, runSuite, startSuiteControlPlane, suiteModule, type FunctionResult, type Mode } from './suite.ts';
import { formatTable, summarize } from './table.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const modeArg = opt('--mode') ?? 'both';
const modes: Mode[] = modeArg === 'both' ? ['sock', 'kubectl'] : [modeArg as Mode];
const outDir = opt('--out') ?? join(ROOT, '.build', 'kubectl-suite', new Date().toISOString().replace(/[:.]/g, '-'));

// --table DIR: the table and counts of a finished run again (results.json), with the lists as they are now.
const again = opt('--table');
if (again) {
  const saved = JSON.parse(readFileSync(join(again, 'results.json'), 'utf8')) as Record<Mode, FunctionResult[]>;
  const runs = new Map(Object.entries(saved) as [Mode, FunctionResult[]][]);
  const names = (runs.get('sock') ?? runs.get('kubectl') ?? []).map((r) => r.name);
  const lists = { excluded: listFile('excluded.tsv'), socketOnly: listFile('socket-only.tsv'), known: listFile('known-differences.tsv') };
  const summary = summarize(names, runs, lists);
  process.stdout.write(`${formatTable(names, runs, lists)}\n\n${summary.text}\n`);
  process.exit(summary.ok ? 0 : 1);
}

const module = suiteModule();
process.stderr.write(`kubectl-suite: test/cmd and hack/lib read in place from ${module}\n`);
const all = allFunctions(module);
const only = opt('--only');
const functions = only ? only.split(',') : args.includes('--pinned') ? [...listFile('pinned.txt').keys()] : all;
mkdirSync(outDir, { recursive: true });
process.stderr.write(`kubectl-suite: ${functions.length} functions, runs: ${modes.join(', ')}; logs in ${outDir}\n`);

const started = Date.now();
const runs = await Promise.all(
  modes.map(async (mode): Promise<[Mode, FunctionResult[]]> => {
    let cp: ControlPlane | undefined;
    try {
      cp = await startSuiteControlPlane(module);
      const results = await runSuite({
        module,
        mode,
        functions,
        cp,
        outDir,
        onResult: (r) => process.stderr.write(`  ${mode.padEnd(7)} ${r.passed ? 'pass' : 'FAIL'} ${r.seconds.toFixed(1).padStart(6)}s ${r.name}\n`),
      });
      return [mode, results];
    } finally {
      await cp?.stop();
    }
  }),
);
const byMode = new Map(runs);
const lists = { excluded: listFile('excluded.tsv'), socketOnly: listFile('socket-only.tsv'), known: listFile('known-differences.tsv') };
const table = formatTable(functions, byMode, lists);
const summary = summarize(functions, byMode, lists);
writeFileSync(join(outDir, 'table.md'), `${table}\n\n${summary.text}\n`);
writeFileSync(join(outDir, 'results.json'), JSON.stringify(Object.fromEntries(byMode), null, 2));
process.stdout.write(`${table}\n\n${summary.text}\n`);
process.stdout.write(`wall time ${((Date.now() - started) / 1000).toFixed(0)}s; table and logs in ${outDir}\n`);
process.exitCode = summary.ok ? 0 : 1;
