import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { chmod, chown, link, lstat, mkdtemp, open, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { SockError } from '../errors.ts';
import { MAX_SOCKET_PATH } from '../transport/sun-path.ts';
import { checkSocketPath, errnoText } from './socket-folder.ts';

/**
 * The socket file of `kubectl sock proxy --unix-socket`: where kubectl proxy
 * removes whatever socket is there and listens under umask 0077 (0700, and a
 * process-wide umask), this refuses folders another user could change
 * (socket-folder.ts), never replaces anything but a dead socket, and never
 * lets the socket be reachable with a wider mode than asked.
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
  /** --allow-shared-dir: accept folders other users may change. */
  allowSharedDir: boolean;
  /** What a refused folder's message says to do, for a command without --allow-shared-dir. */
  folderHint?: string;
  /** The serving user (Ctx.uid). */
  uid: number;
  /** `serve`: the user the socket is for, who may own its folder (socket-folder.ts). */
  socketOwner?: number;
  /** `serve`: the user (and group, or -1 to keep it) the socket is handed to, before it appears at its path. */
  owner?: { uid: number; gid: number };
  /** A seam for tests: called after each step, to look at the folder in between. */
  afterStep?: (step: 'private' | 'bound' | 'chmod' | 'chown' | 'stale-removed' | 'linked') => void;
}


function socketError(message: string): SockError {
  return new SockError('E_SOCKET', message);
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
 * Binds `server` to a unix socket at opts.path, once every folder on the
 * path passed checkSocketPath, with no window where it is reachable with a
 * wider mode, and without a process-wide umask:
 *
 *  1. a fresh mkdtemp folder (0700) is made next to the target and opened;
 *     the open folder must be the one made (ours, 0700, not a link);
 *  2. the socket is bound inside it through /proc/self/fd/N: a user who
 *     controls the target's folder may rename the private folder or put
 *     another in its place, but the open folder is the one bound in, so
 *     nobody else can reach the socket whatever mode bind gave it;
 *  3. it is chmod-ed to the requested mode there (and, for `serve`, chown-ed
 *     to its owner), so it is never reachable at its path otherwise;
 *  4. a dead socket at the target is first moved into the private folder
 *     (rename is atomic) and deleted only if it is still the inode inspected;
 *  5. the socket is hard-linked to the target: link(2) fails rather than
 *     replace a file that appeared in the meantime (rename(2) would clobber it);
 *  6. the private name and folder are removed.
 *
 * Binding straight at the target would leave it 0755 (umask 022) until chmod,
 * and libuv would unlink the path by name when the server closes, even if it
 * is no longer ours. Without /proc (macOS), step 2 goes by the folder's name.
 */
export async function listenOnSocketFile(server: Server, opts: SocketFileOptions): Promise<SocketFile> {
  const path = resolve(opts.cwd, opts.path);
  const dir = dirname(path);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw socketError(`listen unix ${path}: bind: the path is too long for a unix socket (${Buffer.byteLength(path)} bytes; at most ${MAX_SOCKET_PATH})`);
  }
  await checkSocketPath(path, { uid: opts.uid, socketOwner: opts.socketOwner, allowShared: opts.allowSharedDir, hint: opts.folderHint });
  const stale = await inspectExisting(path);
  const priv = await makePrivateFolder(dir, opts.uid);
  // A random name: libuv unlinks the bound name when the server closes, long after this folder is gone.
  const tmp = join(priv.via, `s-${randomBytes(8).toString('hex')}`);
  const step = opts.afterStep ?? (() => undefined);
  try {
    step('private');
    await bind(server, tmp, path);
    step('bound');
    await chmod(tmp, opts.mode);
    step('chmod');
    if (opts.owner) {
      await chownSocket(tmp, path, opts.owner);
      step('chown');
    }
    if (stale) {
      await removeStale(path, priv, stale);
      step('stale-removed');
    }
    await placeLink(tmp, path, opts.owner);
    step('linked');
    const st = await lstat(path);
    return { path, dev: st.dev, ino: st.ino };
  } catch (err) {
    if (server.listening) await new Promise((r) => server.close(r));
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
    await priv.remove();
  }
}

interface PrivateFolder {
  /** Its name, for messages. */
  name: string;
  /** The path that reaches the folder made, whatever happens to its name: /proc/self/fd/N, or the name without /proc. */
  via: string;
  remove(): Promise<void>;
}

/** mkdtemp next to the target, then opened (no link, a folder) and checked to be ours and 0700 before anything is put in it. */
async function makePrivateFolder(dir: string, uid: number): Promise<PrivateFolder> {
  let name: string;
  try {
    name = await mkdtemp(join(dir, '.ks-'));
  } catch (err) {
    throw socketError(`cannot create a socket in ${dir}: ${errnoText(err)}`);
  }
  let fh: FileHandle | undefined;
  try {
    fh = await open(name, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0));
    const st = await fh.stat();
    // (uid -1: a system without POSIX owners, Windows.)
    if (!st.isDirectory() || (uid >= 0 && (st.uid !== uid || (st.mode & 0o777) !== 0o700))) throw new Error('not ours');
  } catch {
    await fh?.close();
    throw socketError(`refusing to create a socket in ${dir}: the private folder ${name} was replaced while starting`);
  }
  const opened = fh;
  const st = await opened.stat();
  const proc = `/proc/self/fd/${opened.fd}`;
  return {
    name,
    via: existsSync(proc) ? proc : name,
    async remove() {
      // Only the folder made: if someone moved it and put another in its place, theirs stays.
      const now = await lstat(name).catch(() => undefined);
      if (now?.isDirectory() && now.dev === st.dev && now.ino === st.ino) await rmdir(name).catch(() => undefined);
      await opened.close();
    },
  };
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

async function removeStale(path: string, priv: PrivateFolder, seen: { dev: number; ino: number }): Promise<void> {
  const captured = join(priv.via, 'old');
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
    throw socketError(`${path} changed while starting; it was moved to ${join(priv.name, 'old')}`);
  }
  throw socketError(`refusing to replace ${path}: it changed while starting and is no longer the dead socket`);
}

async function chownSocket(tmp: string, path: string, owner: { uid: number; gid: number }): Promise<void> {
  try {
    await chown(tmp, owner.uid, owner.gid);
  } catch (err) {
    throw socketError(`cannot hand ${path} to uid ${owner.uid}${owner.gid >= 0 ? ` gid ${owner.gid}` : ''}: chown: ${errnoText(err)}`);
  }
}

async function placeLink(tmp: string, path: string, owner?: { uid: number }): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw socketError(`refusing to replace ${path}: a file appeared there while starting`);
    // fs.protected_hardlinks: linking a file someone else owns takes CAP_FOWNER.
    const why = code === 'EPERM' && owner ? ` (the socket already belongs to uid ${owner.uid}; linking it takes CAP_FOWNER where fs.protected_hardlinks is on, as the systemd unit in docs/ grants)` : '';
    throw socketError(`cannot create ${path}: ${errnoText(err)}${why}`);
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

