// Fetches another platform's Node runtime from the npm registry into a cache
// outside the repository, and prepares it as a SEA base. These packages are
// not devDependencies: each declares a `node` bin (it would replace
// node_modules/.bin/node, the Node the project runs on) and an os/cpu pair
// that `npm ci` refuses on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUNTIME_INTEGRITY, type Platform } from './platforms.ts';
import { withoutPeSignature } from './executable-format.ts';

/** `~/.cache/kubectl-sock` unless KUBECTL_SOCK_CACHE says otherwise (as scripts/control-plane). */
export function cacheRoot(env: NodeJS.ProcessEnv): string {
  return env['KUBECTL_SOCK_CACHE'] ?? join(env['HOME'] ?? '/nonexistent', '.cache', 'kubectl-sock');
}

/** The platform's stock `node` binary, from the cache or fetched with `npm pack` and checked against its pin. */
export function fetchRuntime(p: Platform, nodeVersion: string, cache: string): string {
  const spec = `${p.nodePackage}@${nodeVersion}`;
  const dir = join(cache, 'node', spec);
  const binary = join(dir, p.nodeBinary);
  if (existsSync(binary)) return binary;
  const integrity = RUNTIME_INTEGRITY[spec];
  if (!integrity) {
    throw new Error(`no integrity pin for ${spec}: add \`npm view ${spec} dist.integrity\` to RUNTIME_INTEGRITY in scripts/release/platforms.ts`);
  }
  mkdirSync(join(cache, 'node'), { recursive: true });
  const work = mkdtempSync(join(cache, 'node', '.fetch-'));
  try {
    console.error(`release: fetching ${spec} from the npm registry`);
    execFileSync('npm', ['pack', spec, '--pack-destination', work, '--silent', '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} left no tarball`);
    const actual = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${spec}: integrity ${actual} does not match the pinned ${integrity}`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, `package/${p.nodeBinary}`]);
    mkdirSync(dirname(binary), { recursive: true });
    // Only a complete, verified binary takes the cached name.
    renameSync(join(work, 'package', p.nodeBinary), binary);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Writes the SEA base for a platform: ELF runtimes stripped of their debug
 * symbols (-18 MB; only the base, never the finished binary, which would
 * break), PE runtimes without their Authenticode signature. Mach-O runtimes
 * are kept whole (Node's darwin builds carry no debug symbols): postject drops
 * their LC_CODE_SIGNATURE when it adds the NODE_SEA segment, and the release
 * signs the result ad hoc.
 */
export function prepareBase(p: Platform, runtime: string, out: string): void {
  // Concurrent releases (two test files) may prepare the same base: each writes its own file, then renames.
  const partial = `${out}.${process.pid}.partial`;
  mkdirSync(dirname(out), { recursive: true });
  if (p.format === 'pe-x86_64') writeFileSync(partial, withoutPeSignature(readFileSync(runtime)));
  else if (p.os === 'darwin') copyFileSync(runtime, partial);
  else execFileSync(stripTool(p), ['-o', partial, runtime]);
  renameSync(partial, out);
}

/** binutils' `strip` reads only the host's architecture; a cross strip or llvm-strip reads them all. */
function stripTool(p: Platform): string {
  const candidates = p.format === 'elf-aarch64' ? ['aarch64-linux-gnu-strip', 'llvm-strip'] : ['strip', 'llvm-strip'];
  const found = candidates.find((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!found) {
    throw new Error(`cannot strip the ${p.os}/${p.arch} runtime: install one of ${candidates.join(', ')} (apt-get install binutils-aarch64-linux-gnu)`);
  }
  return found;
}
