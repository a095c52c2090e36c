import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SockError } from '../errors.ts';

/**
 * Opens a log of requests for appending, owner-only, for --access-log and
 * `serve`'s audit log: records name namespaces and objects, so another user
 * must neither read them (by planting a world-readable file first) nor
 * steer them into a file of ours (by a symbolic link). The file is opened
 * O_NOFOLLOW | O_APPEND | O_CREAT with mode 0600 (O_NONBLOCK, so a named
 * pipe cannot hang the start), then refused unless it is a regular file of
 * the serving user with no group or other permission bits.
 */
export async function openLogFile(path: string, what: string, uid: number): Promise<FileHandle> {
  const refuse = (why: string) => new SockError('E_ACCESS_LOG', `refusing to write the ${what} to ${path}: ${why}`);
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0), 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw refuse('it is a symbolic link');
    // A named pipe nobody reads.
    if (code === 'ENXIO') throw refuse('it is not a regular file');
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new SockError('E_ACCESS_LOG', `cannot open the ${what}: open ${path}: ${why}`);
  }
  const st = await fh.stat();
  const problem = !st.isFile()
    ? 'it is not a regular file'
    : uid >= 0 && st.uid !== uid
      ? `it belongs to another user (uid ${st.uid})`
      : (st.mode & 0o077) !== 0
        ? `other users may read or write it (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); chmod 600 it or choose a new file`
        : undefined;
  if (problem !== undefined) {
    await fh.close();
    throw refuse(problem);
  }
  return fh;
}
