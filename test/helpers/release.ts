// Runs scripts/release.ts (as `make release` does) into a test's own folder.
import { join } from 'node:path';
import { ROOT, run, type RunResult } from './processes.ts';
import { ensureDebianPackages, hasCommand } from './apt.ts';

/**
 * What scripts/release.ts needs beyond Node and npm: zip (the Windows archive)
 * and a strip that reads arm64 (llvm-strip, or binutils' cross strip).
 */
export function ensureReleaseTools(): void {
  const missing = [
    ensureDebianPackages(['zip'], () => hasCommand('zip', ['-v'])),
    ensureDebianPackages(['binutils-aarch64-linux-gnu'], () => hasCommand('aarch64-linux-gnu-strip') || hasCommand('llvm-strip')),
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`the release tools cannot be installed: ${missing.join('; ')}`);
}

/** Needs `make build` first, as every end-to-end test. */
export function release(out: string, platforms: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  ensureReleaseTools();
  return run(process.execPath, [join(ROOT, 'scripts', 'release.ts'), '--out', out, '--platforms', platforms.join(',')], {
    timeoutMs: 600_000,
    env: { HOME: process.env['HOME'], KUBECTL_SOCK_CACHE: process.env['KUBECTL_SOCK_CACHE'], ...env },
  });
}
