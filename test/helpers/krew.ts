// krew itself, built from the Go module proxy (test/krew/go.mod) into
// ~/.cache/kubectl-sock/krew/<version>/bin, for the release tests: `krew
// install --manifest --archive` proves the manifest installs, offline.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureGoTools, requiredVersion } from './go-tools.ts';
import { ROOT, run, type RunResult } from './processes.ts';

const MODULE_DIR = join(ROOT, 'test', 'krew');

export interface Krew {
  version: string;
  krew: string;
  validator: string;
}

/** The krew version test/krew/go.mod pins. */
export function krewVersion(): string {
  return requiredVersion(MODULE_DIR, 'sigs.k8s.io/krew');
}

/** Builds krew and validate-krew-manifest on first use (a cold build takes ~30 s), then reuses them. */
export function ensureKrew(): Krew {
  const version = krewVersion();
  const bin = ensureGoTools({
    moduleDir: MODULE_DIR, name: 'krew', version,
    packages: ['sigs.k8s.io/krew/cmd/krew', 'sigs.k8s.io/krew/cmd/validate-krew-manifest'],
    // krew reads its version from these; an unset tag makes it a "development build".
    ldflags: `-X sigs.k8s.io/krew/internal/version.gitTag=${version}`,
  });
  return { version, krew: join(bin, 'krew'), validator: join(bin, 'validate-krew-manifest') };
}

export interface KrewHome {
  /** KREW_ROOT */
  root: string;
  home: string;
  /** Directories put after $KREW_ROOT/bin on PATH. */
  path: readonly string[];
}

/**
 * Runs krew with nothing to reach: no upgrade check (KREW_NO_UPGRADE_CHECK),
 * and a proxy that refuses every connection, so any download attempt fails.
 * KREW_OS/KREW_ARCH pick the platform krew installs for.
 */
export function krewRun(tools: Krew, at: KrewHome, args: readonly string[], platform: { os?: string; arch?: string } = {}): Promise<RunResult> {
  return run(tools.krew, args, {
    timeoutMs: 120_000,
    env: {
      HOME: at.home,
      KREW_ROOT: at.root,
      PATH: [join(at.root, 'bin'), ...at.path].join(':'),
      KREW_NO_UPGRADE_CHECK: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      KREW_OS: platform.os,
      KREW_ARCH: platform.arch,
    },
  });
}

/**
 * `krew list` insists on a cloned plugin index (`krew update` clones it from
 * GitHub); a plugin installed from a manifest needs none, so an empty local
 * git repository stands in for it.
 */
export function initEmptyIndex(at: KrewHome): void {
  execFileSync('git', ['init', '-q', join(at.root, 'index', 'default')]);
}
