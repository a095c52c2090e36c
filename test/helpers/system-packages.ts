// Commands and files the completion tests need (zsh, fish, bash-completion):
// found, or installed with apt-get (test/helpers/apt.ts). Never skips: if one
// cannot be had, the error says why and the test fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './apt.ts';

/** The full path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

export function ensureCommand(command: string, aptPackage: string): string {
  return ensureInstalled(command, aptPackage, () => which(command));
}

/** A file a package provides (bash-completion's script). */
export function ensureFile(path: string, aptPackage: string): string {
  return ensureInstalled(path, aptPackage, () => (existsSync(path) ? path : undefined));
}

function ensureInstalled(what: string, aptPackage: string, find: () => string | undefined): string {
  const problem = ensureDebianPackages([aptPackage], () => find() !== undefined);
  const found = find();
  if (problem || !found) throw new Error(`${what} is not installed: ${problem ?? `apt-get install ${aptPackage} did not provide it`}`);
  return found;
}
