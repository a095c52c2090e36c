// `make bench`: every benchmark, each run side by side with kubectl on the
// same server in one run. Each scripts/bench-*.ts is also runnable alone.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv[2];
const scripts = readdirSync(dir).filter((f) => /^bench-.+\.ts$/.test(f) && (!only || f.includes(only))).sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n## ${script}\n`);
  const r = spawnSync(process.execPath, [join(dir, script)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
