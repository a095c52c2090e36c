import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The full path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

/**
 * A command the tests need (zsh, fish): found on PATH, or installed with
 * apt-get (apt caches the packages). Never skips: if it cannot be had, the
 * error says why and the test fails.
 */
export function ensureCommand(command: string, aptPackage: string): string {
  return ensureInstalled(command, aptPackage, () => which(command));
}

/** A file a package provides (bash-completion's script), installed with apt-get when missing. */
export function ensureFile(path: string, aptPackage: string): string {
  return ensureInstalled(path, aptPackage, () => (existsSync(path) ? path : undefined));
}

function ensureInstalled(what: string, aptPackage: string, find: () => string | undefined): string {
  const found = find();
  if (found) return found;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (...args: string[]) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', '-q', '-o', 'DPkg::Lock::Timeout=300', ...args];
    return spawnSync(cmd as string, rest, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  let r = apt('install', '-y', aptPackage);
  // A fresh machine has no package lists yet.
  if (r.status !== 0) {
    apt('update');
    r = apt('install', '-y', aptPackage);
  }
  const installed = find();
  if (!installed) {
    throw new Error(`${what} is not installed and \`apt-get install ${aptPackage}\` failed (exit ${r.status}): ${r.error?.message ?? r.stderr.slice(-500)}`);
  }
  return installed;
}
