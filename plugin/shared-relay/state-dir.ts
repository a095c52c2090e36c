import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Ctx } from '../context.ts';
import { SockError } from '../errors.ts';

/**
 * The per-user folder of the shared relays: $XDG_RUNTIME_DIR/kubectl-sock
 * (the XDG base directory spec's place for sockets and runtime state, private
 * to the user and emptied at logout), else kubectl-sock-UID in the temp
 * folder, as tmux (/tmp/tmux-UID) and ssh-agent fall back. Created 0700 and
 * checked as tmux checks its socket folder: a real folder (not a symlink
 * someone planted), owned by this user, with no group or other bits.
 */
export function stateRoot(ctx: Pick<Ctx, 'env' | 'tmpDir' | 'uid'>): string {
  const xdg = ctx.env['XDG_RUNTIME_DIR'];
  // The spec: a relative path must be ignored. A missing folder (no login session) falls back too.
  if (xdg && isAbsolute(xdg) && isDirectory(xdg)) return privateFolder(join(xdg, 'kubectl-sock'), ctx.uid);
  return privateFolder(join(ctx.tmpDir, `kubectl-sock-${ctx.uid < 0 ? 'user' : ctx.uid}`), ctx.uid);
}

/** Makes (0700) or reuses a folder only this user may enter; one of a relay's folders, too. */
export function privateFolder(path: string, uid: number): string {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SockError('E_STATE', `cannot create the relay folder ${path}: ${(err as Error).message}`);
    }
  }
  const why = unsafe(path, uid);
  if (why) throw new SockError('E_STATE', `the relay folder ${path} is not safe to use: ${why} (it must be a folder of yours with mode 0700)`);
  return path;
}

/** Why a folder may not hold secrets, or undefined when it may. Windows (uid -1) has no owner or mode bits to check. */
function unsafe(path: string, uid: number): string | undefined {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it is not a folder';
  if (uid < 0) return undefined;
  if (st.uid !== uid) return `it is owned by uid ${st.uid}`;
  if ((st.mode & 0o077) !== 0) return `its mode is ${(st.mode & 0o777).toString(8).padStart(4, '0')}`;
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
