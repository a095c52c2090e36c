import { lstat, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SockError } from '../errors.ts';

/**
 * Who may control the folders on a socket's path, as OpenSSH's StrictModes
 * (safe_path()) judges the folders above authorized_keys: whoever can write
 * a folder, or owns it, can rename what is in it and put their own listener
 * (or folder) in its place, and the next client then talks to them.
 */
export interface FolderRules {
  /** The serving user: every folder must belong to root or to them. */
  uid: number;
  /** `serve`: the user a socket is for, who may also own that socket's own folder (they only mislead themselves). */
  socketOwner?: number;
  /** --allow-shared-dir: accept folders others may change, knowing they can replace the socket. */
  allowShared: boolean;
  /** What to do instead, for a command without --allow-shared-dir (`serve`). */
  hint?: string;
}

const ESCAPE = 'use a private folder or pass --allow-shared-dir';

/** `serve` has no --allow-shared-dir: its sockets go where only root, it, or (for its own folder) the socket's owner can change. */
export const SERVE_FOLDER_HINT = "use a folder only root or the server's user can change (or, for its own folder, the socket's owner)";

function refuse(dir: string, why: string, rules: FolderRules): SockError {
  return new SockError('E_SOCKET', `refusing to create a socket in ${dir}: ${why}; ${rules.hint ?? ESCAPE}`);
}

/** Errno codes as Go's syscall errors read. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const texts: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'operation not permitted',
    ENOTDIR: 'not a directory', EROFS: 'read-only file system', ENAMETOOLONG: 'file name too long',
    EINVAL: 'invalid argument', EADDRINUSE: 'address already in use', EXDEV: 'invalid cross-device link', ELOOP: 'too many levels of symbolic links',
    ECONNREFUSED: 'connection refused',
  };
  return (code && texts[code]) ?? (err as Error).message;
}

/** The folder and every folder above it, nearest first, ending with '/'. */
function upwards(dir: string): string[] {
  const out = [dir];
  while (dirname(out.at(-1) as string) !== out.at(-1)) out.push(dirname(out.at(-1) as string));
  return out;
}

const mode4 = (st: Stats) => (st.mode & 0o7777).toString(8).padStart(4, '0');

/** Why one folder lets someone else replace what is in it, if it does; `own` names the socket's own folder. */
function folderProblem(f: string, st: Stats, own: string | undefined, rules: FolderRules): string | undefined {
  const allowed = st.uid === 0 || st.uid === rules.uid || (own !== undefined && rules.socketOwner !== undefined && st.uid === rules.socketOwner);
  const what = own ?? `the folder ${f} above it`;
  const victim = own ? 'the socket' : 'the folder';
  if (!allowed) return `${what} belongs to another user (uid ${st.uid}), who could replace ${victim}`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    return `${what} is writable by other users (mode ${mode4(st)}) and has no sticky bit, so they could replace ${victim}`;
  }
  return undefined;
}

/**
 * Refuses a socket path another user could redirect. Every folder on the
 * path as given (a symbolic link on it must belong to root or the serving
 * user) and on the path it resolves to must belong to root or the serving
 * user (`socketOwner` too, for the socket's own folder) and must not be
 * writable by group or others unless it is sticky; in a sticky folder, a file
 * already at the socket's name must not be someone else's. Exported for
 * `serve`, which checks with `socketOwner` set.
 */
export async function checkSocketPath(path: string, rules: FolderRules): Promise<void> {
  const dir = dirname(path);
  let st: Stats;
  try {
    st = await stat(dir);
  } catch (err) {
    throw new SockError('E_SOCKET', `cannot create a socket in ${dir}: ${errnoText(err)}`);
  }
  if (!st.isDirectory()) throw new SockError('E_SOCKET', `cannot create a socket in ${dir}: not a directory`);
  // (uid -1: a system without POSIX owners, Windows.)
  if (rules.allowShared || rules.uid < 0) return;
  for (const f of upwards(dir)) {
    const l = await lstat(f);
    if (l.isSymbolicLink()) {
      const mine = l.uid === 0 || l.uid === rules.uid || (f === dir && l.uid === rules.socketOwner);
      if (!mine) throw refuse(dir, `${f} is a symbolic link owned by another user (uid ${l.uid}), who could point it elsewhere`, rules);
      continue;
    }
    const why = folderProblem(f, l, f === dir ? 'the folder' : undefined, rules);
    if (why) throw refuse(dir, why, rules);
  }
  const real = await realpath(dir);
  if (real !== dir) {
    for (const f of upwards(real)) {
      const why = folderProblem(f, await stat(f), f === real ? `the folder ${real} it leads to` : undefined, rules);
      if (why) throw refuse(dir, why, rules);
    }
  }
  await checkStickyName(real, basename(path), path, rules);
}

/** In a sticky folder others may write to, the socket's name must not be taken by another user's file. */
async function checkStickyName(dir: string, name: string, path: string, rules: FolderRules): Promise<void> {
  const st = await stat(dir);
  if ((st.mode & 0o1000) === 0 || (st.mode & 0o022) === 0) return;
  const entry = await lstat(join(dir, name)).catch(() => undefined);
  if (entry && entry.uid !== rules.uid) {
    throw new SockError('E_SOCKET', `refusing to create a socket at ${path}: another user (uid ${entry.uid}) has a file of that name in the sticky folder ${dir}; use another name`);
  }
}
