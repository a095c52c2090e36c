import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { formatFileMode } from '../cli/file-mode.ts';
import { ConfigError, SockError } from '../errors.ts';
import { errnoText } from '../relay/socket-folder.ts';
import { parseServeConfig, SERVE_API_VERSION, type ConfiguredSocket } from './config.ts';
import { DEFAULT_SOCKET_MODE, SERVE_DEFAULT_FILTERS, type SocketSpec } from './spec.ts';

/**
 * Grants made with `kubectl sock grant` live in a state file of their own
 * (serve --state-file), never in the config file: the config stays the
 * administrator's, read-only to the server (systemd's ProtectSystem=strict),
 * and a grant survives a restart. The file has the config's shape, with
 * kind ServeGrants, so one parser reads both and an administrator can read it.
 */
export const GRANTS_KIND = 'ServeGrants';

/** The grants in the file; none when it does not exist yet. */
export async function loadGrants(path: string): Promise<ConfiguredSocket[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the grants file ${path}: ${errnoText(err)}`);
  }
  return parseServeConfig(path, text, GRANTS_KIND).sockets;
}

/** The file's text for these grants: only what differs from the defaults is written. */
export function grantsYaml(specs: readonly SocketSpec[]): string {
  const entries = specs.map((s) => ({
    path: s.path,
    owner: s.owner,
    ...(s.group !== undefined && { group: s.group }),
    ...(s.mode !== DEFAULT_SOCKET_MODE && { mode: formatFileMode(s.mode) }),
    as: s.as,
    ...(s.asGroups.length > 0 && { asGroups: s.asGroups }),
    ...(s.asUid !== undefined && { asUid: s.asUid }),
    ...(s.readOnly && { readOnly: true }),
    ...(s.expiresAt !== undefined && { expiresAt: new Date(s.expiresAt).toISOString() }),
    ...(s.acceptPaths !== SERVE_DEFAULT_FILTERS.acceptPaths && { acceptPaths: s.acceptPaths }),
    ...(s.rejectPaths !== SERVE_DEFAULT_FILTERS.rejectPaths && { rejectPaths: s.rejectPaths }),
    ...(s.rejectMethods !== SERVE_DEFAULT_FILTERS.rejectMethods && { rejectMethods: s.rejectMethods }),
    ...(s.maxConnections !== undefined && { maxConnections: s.maxConnections }),
  }));
  const head = '# Written by kubectl sock serve: the grants made with `kubectl sock grant`. Edit with grant and revoke.\n';
  return head + stringify({ apiVersion: SERVE_API_VERSION, kind: GRANTS_KIND, sockets: entries }, { version: '1.1' });
}

/**
 * Replaces the file in one step: the new text goes to a fresh 0600 file
 * beside it, which is then renamed over it, so a crash leaves the old file
 * or the new one, never half of either.
 */
export async function saveGrants(path: string, specs: readonly SocketSpec[]): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(grantsYaml(specs));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new SockError('E_STATE', `cannot save the grants to ${path}: ${errnoText(err)}`);
  }
}
