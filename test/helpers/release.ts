// Runs scripts/release.ts (as `make release` does) into a test's own folder.
import { join } from 'node:path';
import { ROOT, run, type RunResult } from './processes.ts';

/** Needs `make build` first, as every end-to-end test. */
export function release(out: string, platforms: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, [join(ROOT, 'scripts', 'release.ts'), '--out', out, '--platforms', platforms.join(',')], {
    timeoutMs: 600_000,
    env: { HOME: process.env['HOME'], KUBECTL_SOCK_CACHE: process.env['KUBECTL_SOCK_CACHE'], ...env },
  });
}
