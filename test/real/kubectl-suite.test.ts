// kubectl's own CLI suite in make test: the pinned functions
// (test/kubectl-suite/pinned.txt, each passed by the real kubectl.1.33 and by
// kubectl-sock in `make test-kubectl-suite`) run with kubectl-sock standing in
// for kubectl over a unix socket, one test per function, so that a regression
// fails make test with the suite's own first failing assertion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { listFile, runSuite, startSuiteControlPlane, suiteModule, type FunctionResult } from '../kubectl-suite/suite.ts';

const pinned = [...listFile('pinned.txt').keys()];
const waiting = new Map<string, (r: FunctionResult) => void>();
const results = new Map(pinned.map((name) => [name, new Promise<FunctionResult>((resolve) => waiting.set(name, resolve))]));
let cp: ControlPlane | undefined;
let out = '';
let run: Promise<void> | undefined;

test.before(async () => {
  const module = suiteModule();
  cp = await startSuiteControlPlane(module);
  out = mkdtempSync(join(tmpdir(), 'ksuite-out-'));
  const started = Date.now();
  // Runs in the background; each test below waits for its own function's line.
  run = runSuite({ module, mode: 'sock', functions: pinned, cp, outDir: out, onResult: (r) => waiting.get(r.name)?.(r) })
    .then((all) => {
      for (const r of all) waiting.get(r.name)?.(r);
      process.stderr.write(`kubectl-suite: ${all.length} pinned functions in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
    })
    .catch((err: unknown) => {
      for (const name of pinned) waiting.get(name)?.({ name, passed: false, seconds: 0, firstFailure: String(err), log: '' });
    });
});

let failed = false;

test.after(async () => {
  await run;
  await cp?.stop();
  // The logs of a failure stay for reading; a clean run leaves nothing.
  if (out && !failed) rmSync(out, { recursive: true, force: true });
});

for (const name of pinned) {
  test(`kubectl test/cmd :: ${name}`, async () => {
    const r = await (results.get(name) as Promise<FunctionResult>);
    if (!r.passed) failed = true;
    assert.ok(r.passed, `${name} failed through kubectl-sock: ${r.firstFailure} (log: ${r.log})`);
  });
}

test.run();
