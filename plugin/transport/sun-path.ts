import { basename, dirname } from 'node:path';

/**
 * The longest path a unix socket address can hold: sun_path is 108 bytes on
 * Linux (104 on macOS and the BSDs), the terminating NUL included.
 */
export const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/**
 * What is wrong with a socket path too long for sun_path, and how to fix it, or
 * undefined when it fits. connect(2) and bind(2) say only "invalid argument".
 */
export function socketPathTooLong(path: string): string | undefined {
  const bytes = Buffer.byteLength(path);
  if (bytes <= MAX_SOCKET_PATH) return undefined;
  return `the socket path is ${bytes} bytes long, and a unix socket address holds at most ${MAX_SOCKET_PATH}: `
    + `use a shorter path, or a symbolic link to the socket's folder (ln -s ${dirname(path)} /tmp/k, then /tmp/k/${basename(path)})`;
}
