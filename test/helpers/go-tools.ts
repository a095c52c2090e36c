// Go programs the tests run as real peers (krew, helm), built from the Go
// module proxy through a wrapper module under test/, and cached beside the
// control plane in ~/.cache/kubectl-sock/<tool>/<version>/bin (KUBECTL_SOCK_CACHE moves it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface GoTools {
  /** The wrapper module's folder (its go.mod and go.sum pin every version). */
  moduleDir: string;
  /** The cache folder's name, e.g. krew. */
  name: string;
  version: string;
  /** Packages to build; each gives a binary named after its last path element. */
  packages: string[];
  /** -X flags, for the version the tool reports. */
  ldflags: string;
}

/** The version go.mod requires of `module`. */
export function requiredVersion(moduleDir: string, module: string): string {
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replaceAll('.', '\\.')} (v\\S+)`, 'm').exec(readFileSync(join(moduleDir, 'go.mod'), 'utf8'));
  if (!m?.[1]) throw new Error(`${join(moduleDir, 'go.mod')} does not require ${module}`);
  return m[1];
}

/** The folder holding the built binaries: built on first use (offline but for the module proxy), then reused. */
export function ensureGoTools(t: GoTools): string {
  const cache = process.env['KUBECTL_SOCK_CACHE'] ?? join(process.env['HOME'] ?? '/nonexistent', '.cache', 'kubectl-sock');
  const bin = join(cache, t.name, t.version, 'bin');
  const names = t.packages.map((p) => p.split('/').pop() as string);
  if (names.every((n) => existsSync(join(bin, n)))) return bin;
  const partial = join(cache, t.name, t.version, `.bin.${process.pid}`);
  mkdirSync(partial, { recursive: true });
  try {
    process.stderr.write(`${t.name}: building ${t.version} from Go modules into ${bin} (once)\n`);
    execFileSync('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', t.ldflags, '-o', `${partial}/`, ...t.packages], {
      cwd: t.moduleDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-mod=readonly -p=2',
        GOMODCACHE: join(cache, 'go', 'mod'), GOCACHE: join(cache, 'go', 'build'),
      },
    });
    rmSync(bin, { recursive: true, force: true });
    // Only a complete set takes the cached name.
    renameSync(partial, bin);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return bin;
}
