// make build is reproducible: packaging the same bundle again gives the same
// executable, byte for byte, V8 code cache included (scripts/package.mjs runs
// pkg's blob generator with --predictable). The cross-built release binaries
// carry no code cache, and the darwin signer's output depends only on its
// input (test/unit/scripts/release/macho.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, ROOT, run } from '../helpers/processes.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('package.mjs :: packaging dist/kubectl-sock.cjs again gives make build\'s binary byte for byte', async () => {
  const again = join(tempDir('ksock-repro-'), 'kubectl-sock');
  const r = await run(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), again], { timeoutMs: 300_000 });
  assert.is(r.code, 0, r.stderr);
  assert.is(sha256(again), sha256(BINARY));
  const version = await run(again, ['version', '--client', '-o', 'json'], { env: { PATH: '/usr/bin:/bin' } });
  assert.is(version.code, 0, version.stderr);
  assert.is(version.stdout, (await run(BINARY, ['version', '--client', '-o', 'json'], { env: { PATH: '/usr/bin:/bin' } })).stdout);
});

test.run();
