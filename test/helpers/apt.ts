// Installs the Debian packages a test needs, on first use (the test suite
// installs what it needs itself). Needs root, as on the project's machines.
import { spawnSync } from 'node:child_process';

function aptGet(args: readonly string[]): { ok: boolean; output: string } {
  // Test files run in parallel: wait for another file's apt-get instead of failing on its lock.
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  return { ok: r.status === 0, output: `${r.error?.message ?? ''}${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Undefined once `present()` holds (installing `packages` if it did not), else why they could not be installed. */
export function ensureDebianPackages(packages: readonly string[], present: () => boolean): string | undefined {
  if (present()) return undefined;
  if (process.getuid?.() !== 0) return `${packages.join(', ')} are not installed, and installing them needs root`;
  let r = aptGet(['install', '-y', '-qq', ...packages]);
  // A fresh machine may have no package lists yet.
  if (!r.ok) r = aptGet(['update', '-qq']).ok ? aptGet(['install', '-y', '-qq', ...packages]) : r;
  if (!r.ok || !present()) return `apt-get install ${packages.join(' ')} failed: ${r.output.trim().split('\n').slice(-3).join(' / ')}`;
  return undefined;
}

/** The command is on PATH and runs. */
export function hasCommand(command: string, args: readonly string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}
