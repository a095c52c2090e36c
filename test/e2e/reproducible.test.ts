// make build is reproducible: packaging the same bundle again, from another
// folder, gives the same executable byte for byte, V8 code cache included
// (scripts/pkg-sea.ts: no build path in the blob, pkg's blob generator run with
// --predictable). The cross-built release binaries go through the same
// pkgSea, and the darwin signer's output depends only on its input
// (test/unit/scripts/release/macho.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, ROOT, run } from '../helpers/processes.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('package.mjs :: packaging a copy of dist/kubectl-sock.cjs kept elsewhere gives make build\'s binary byte for byte', async () => {
  const dir = tempDir('ksock-repro-');
  const again = join(dir, 'kubectl-sock');
  copyFileSync(join(ROOT, 'dist', 'kubectl-sock.cjs'), join(dir, 'kubectl-sock.cjs'));
  const r = await run(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), again, join(dir, 'kubectl-sock.cjs')], { timeoutMs: 300_000 });
  assert.is(r.code, 0, r.stderr);
  assert.is(sha256(again), sha256(BINARY));
  assert.not.ok(readFileSync(again).includes(ROOT, 0, 'utf8'), 'the build folder is not in the binary');
  const version = await run(again, ['version', '--client', '-o', 'json'], { env: { PATH: '/usr/bin:/bin' } });
  assert.is(version.code, 0, version.stderr);
  assert.is(version.stdout, (await run(BINARY, ['version', '--client', '-o', 'json'], { env: { PATH: '/usr/bin:/bin' } })).stdout);
});

test.run();
