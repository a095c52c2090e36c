import { ConfigError } from '../errors.ts';
import type { Accounts } from './accounts.ts';
import type { DesiredSocket } from './served-socket.ts';
import { originField, type SocketOrigin, type SocketSpec } from './spec.ts';

/** A socket from the config or the grants, before its owner is looked up. */
export interface SocketEntry {
  spec: SocketSpec;
  origin: SocketOrigin;
}

/** Resolves each owner and group to its id; the first unknown one is an error naming where it was written. */
export async function resolveSockets(entries: readonly SocketEntry[], accounts: Accounts): Promise<DesiredSocket[]> {
  const out: DesiredSocket[] = [];
  for (const { spec, origin } of entries) {
    const uid = await accounts.uid(spec.owner);
    if (uid === undefined) throw new ConfigError(`${originField(origin, 'owner')}: unknown user ${JSON.stringify(spec.owner)}`);
    let gid = -1;
    if (spec.group !== undefined) {
      const g = await accounts.gid(spec.group);
      if (g === undefined) throw new ConfigError(`${originField(origin, 'group')}: unknown group ${JSON.stringify(spec.group)}`);
      gid = g;
    }
    out.push({ spec, origin, uid, gid });
  }
  return out;
}

/**
 * Two entries for one path (the config and a grant): the second one is named,
 * with where the first is. No entry may take the control socket's path.
 */
export function checkOnePathEach(entries: readonly SocketEntry[], controlSocket: string): void {
  const seen = new Map<string, SocketEntry>();
  for (const e of entries) {
    if (e.spec.path === controlSocket) throw new ConfigError(`${originField(e.origin, 'path')}: ${e.spec.path} is the control socket (--control-socket)`);
    const first = seen.get(e.spec.path);
    if (first) {
      const at = first.origin.line > 0 ? `${first.origin.file}:${first.origin.line}` : first.origin.file;
      throw new ConfigError(`${originField(e.origin, 'path')}: ${e.spec.path} is also served by ${at}; a path can be served once`);
    }
    seen.set(e.spec.path, e);
  }
}
