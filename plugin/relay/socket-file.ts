import { chmod, link, lstat, mkdtemp, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { SockError } from '../errors.ts';
import { MAX_SOCKET_PATH } from '../transport/sun-path.ts';

/**
 * The socket file of `kubectl sock proxy --unix-socket`: where kubectl proxy
 * removes whatever socket is there and listens under umask 0077 (0700, and a
 * process-wide umask), this refuses shared folders, never replaces anything but
 * a dead socket, and never lets the socket exist with a wider mode than asked.
 */

/** Identity of the socket file we put in place, so cleanup removes ours and nothing else. */
export interface SocketFile {
  path: string;
  dev: number;
  ino: number;
}

/** Where and how to create the socket file. */
export interface SocketFileOptions {
  /** As given on the command line; resolved against `cwd`. */
  path: string;
  cwd: string;
  /** Permission bits of the socket, e.g. 0o600. */
  mode: number;
  /** Accept a group/world-writable folder without the sticky bit. */
  allowSharedDir: boolean;
  /** A seam for tests: called after each step, to look at the folder in between. */
  afterStep?: (step: 'bound' | 'chmod' | 'stale-removed' | 'linked') => void;
}


function socketError(message: string): SockError {
  return new SockError('E_SOCKET', message);
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const texts: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'operation not permitted',
    ENOTDIR: 'not a directory', EROFS: 'read-only file system', ENAMETOOLONG: 'file name too long',
    EINVAL: 'invalid argument', EADDRINUSE: 'address already in use', EXDEV: 'invalid cross-device link',
  };
  return (code && texts[code]) ?? (err as Error).message;
}

/**
 * Refuses a folder where another user could remove or replace the socket:
 * writable by group or others without the sticky bit (as /tmp has).
 */
export async function checkParentDir(dir: string, allowShared: boolean): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    throw socketError(`cannot create a socket in ${dir}: ${errnoText(err)}`);
  }
  if (!st.isDirectory()) throw socketError(`cannot create a socket in ${dir}: not a directory`);
  const shared = (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0;
  if (shared && !allowShared) {
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    throw socketError(`refusing to create a socket in ${dir}: the folder is writable by other users (mode ${mode}) and has no sticky bit, so they could replace the socket; use a private folder or pass --allow-shared-dir`);
  }
}

/** Whether something accepts connections on a socket file: a live socket must not be taken over. */
export function probeSocket(path: string, timeoutMs = 1000): Promise<'live' | 'stale'> {
  return new Promise((done, fail) => {
    const c = connect(path);
    const timer = setTimeout(() => finish('live'), timeoutMs);
    const finish = (r: 'live' | 'stale' | Error) => {
      clearTimeout(timer);
      c.destroy();
      if (r instanceof Error) fail(r);
      else done(r);
    };
    c.once('connect', () => finish('live'));
    c.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') finish('stale');
      else finish(socketError(`cannot tell whether ${path} is in use: ${errnoText(err)}`));
    });
  });
}

/**
 * What is at the path now: nothing, or a socket nobody listens on (to be
 * replaced). Anything else is refused with its content untouched.
 */
export async function inspectExisting(path: string): Promise<{ dev: number; ino: number } | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw socketError(`cannot use ${path}: ${errnoText(err)}`);
  }
  if (st.isSymbolicLink()) throw socketError(`refusing to replace ${path}: it is a symbolic link, not a socket`);
  if (st.isDirectory()) throw socketError(`refusing to use ${path}: it is a directory, not a socket`);
  if (!st.isSocket()) throw socketError(`refusing to replace ${path}: it is a ${kindOf(st)}, not a socket`);
  if ((await probeSocket(path)) === 'live') throw socketError(`${path} is in use: another process is listening on it`);
  return { dev: st.dev, ino: st.ino };
}

function kindOf(st: { isFile(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFile()) return 'regular file';
  if (st.isFIFO()) return 'named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'file';
}

/**
 * Binds `server` to a unix socket at opts.path with no window where it is
 * reachable with a wider mode, and without a process-wide umask:
 *
 *  1. the socket is bound inside a fresh mkdtemp folder (0700) next to the
 *     target, so nobody else can reach it whatever mode bind gave it;
 *  2. it is chmod-ed to the requested mode there;
 *  3. a dead socket at the target is first moved into that private folder
 *     (rename is atomic) and deleted only if it is still the inode inspected;
 *  4. the socket is hard-linked to the target: link(2) fails rather than
 *     replace a file that appeared in the meantime (rename(2) would clobber it);
 *  5. the private name and folder are removed.
 *
 * Binding straight at the target would leave it 0755 (umask 022) until chmod.
 */
export async function listenOnSocketFile(server: Server, opts: SocketFileOptions): Promise<SocketFile> {
  const path = resolve(opts.cwd, opts.path);
  const dir = dirname(path);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw socketError(`listen unix ${path}: bind: the path is too long for a unix socket (${Buffer.byteLength(path)} bytes; at most ${MAX_SOCKET_PATH})`);
  }
  await checkParentDir(dir, opts.allowSharedDir);
  const stale = await inspectExisting(path);
  let priv: string;
  try {
    priv = await mkdtemp(join(dir, '.ks-'));
  } catch (err) {
    throw socketError(`cannot create a socket in ${dir}: ${errnoText(err)}`);
  }
  const tmp = join(priv, 's');
  try {
    const step = opts.afterStep ?? (() => undefined);
    await bind(server, tmp, path);
    step('bound');
    await chmod(tmp, opts.mode);
    step('chmod');
    if (stale) {
      await removeStale(path, priv, stale);
      step('stale-removed');
    }
    await placeLink(tmp, path);
    step('linked');
    const st = await lstat(path);
    return { path, dev: st.dev, ino: st.ino };
  } catch (err) {
    if (server.listening) await new Promise((r) => server.close(r));
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
    await rmdir(priv).catch(() => undefined);
  }
}

function bind(server: Server, tmp: string, path: string): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EINVAL' || err.code === 'ENAMETOOLONG' ? 'the path is too long for a unix socket' : errnoText(err);
      fail(socketError(`listen unix ${path}: bind: ${why}`));
    };
    server.once('error', onError);
    server.listen(tmp, () => {
      server.off('error', onError);
      ok();
    });
  });
}

async function removeStale(path: string, priv: string, seen: { dev: number; ino: number }): Promise<void> {
  const captured = join(priv, 'old');
  try {
    await rename(path, captured);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw socketError(`cannot replace the dead socket ${path}: ${errnoText(err)}`);
  }
  const st = await lstat(captured);
  if (st.isSocket() && st.dev === seen.dev && st.ino === seen.ino) {
    await unlink(captured);
    return;
  }
  // Something else took its place between the check and the rename: put it back untouched.
  try {
    await link(captured, path);
    await unlink(captured);
  } catch {
    throw socketError(`${path} changed while starting; it was moved to ${captured}`);
  }
  throw socketError(`refusing to replace ${path}: it changed while starting and is no longer the dead socket`);
}

async function placeLink(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw socketError(`refusing to replace ${path}: a file appeared there while starting`);
    throw socketError(`cannot create ${path}: ${errnoText(err)}`);
  }
}

/**
 * Removes the socket file if it is still the one we created (another process
 * may have replaced it since). Never throws: it runs on the way out.
 */
export async function removeSocketFile(sock: SocketFile): Promise<void> {
  try {
    const st = await lstat(sock.path);
    if (st.isSocket() && st.dev === sock.dev && st.ino === sock.ino) await unlink(sock.path);
  } catch {
    // Already gone.
  }
}

