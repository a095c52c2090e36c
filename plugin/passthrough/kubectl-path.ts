import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { SockError } from '../errors.ts';

/**
 * The real kubectl to run: $KUBECTL_SOCK_KUBECTL, else the first `kubectl` on
 * PATH that is not this very binary (someone may have linked kubectl to it).
 */
export function findRealKubectl(env: Readonly<Record<string, string | undefined>>, selfPath: string, cwd: string): string {
  const override = env['KUBECTL_SOCK_KUBECTL'];
  if (override) {
    const path = isAbsolute(override) ? override : join(cwd, override);
    if (!isExecutable(path)) throw new SockError('E_KUBECTL', `KUBECTL_SOCK_KUBECTL=${override} is not an executable file`);
    return path;
  }
  const self = safeRealpath(selfPath);
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'kubectl');
    if (isExecutable(candidate) && safeRealpath(candidate) !== self) return candidate;
  }
  throw new SockError('E_KUBECTL', 'kubectl sock passes commands it does not implement to kubectl, but no kubectl was found on PATH (set KUBECTL_SOCK_KUBECTL to its path)');
}

/**
 * Go's exec.LookPath, as `env -- COMMAND` needs it: a name with a slash is a
 * path (relative to the working folder); a bare name is searched on PATH.
 * Undefined when nothing executable is found.
 */
export function lookPath(name: string, env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  if (name.includes('/')) {
    const path = isAbsolute(name) ? name : join(cwd, name);
    return isExecutable(path) ? path : undefined;
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    // An empty PATH entry is the working folder, as execvp reads it.
    const candidate = join(dir ? (isAbsolute(dir) ? dir : join(cwd, dir)) : cwd, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** An executable regular file (what kubectl's plugin lookup and exec.LookPath accept). */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
