import { join } from 'node:path';
import { ControlRefusal, type GrantRequest } from './control-api.ts';
import {
  DEFAULT_SOCKET_MODE, SERVE_DEFAULT_FILTERS, checkAccount, checkBool, checkDuration, checkIdentityName, checkPath, isNumericAccount, type SocketSpec,
} from './spec.ts';

/**
 * The socket a `kubectl sock grant USER …` request asks for, checked as a
 * config entry is, each error naming the argument or flag it came from. The
 * socket is USER's, acts as USER unless --as says otherwise, and lives at
 * GRANT-DIR/USER.sock unless --path says otherwise. --expire-after becomes a
 * fixed time, so that a restart does not extend it.
 */
export function specFromGrant(r: GrantRequest, grantDir: string, now: number): SocketSpec {
  const owner = field('USER', () => checkAccount(r.user));
  if (isNumericAccount(owner) && r.as === undefined) throw new ControlRefusal(400, `--as: required when USER is a uid (${owner}): the Kubernetes user to act as`);
  const expireAfter = r.expireAfter === undefined ? undefined : field('--expire-after', () => checkDuration(String(r.expireAfter)));
  return {
    path: field('--path', () => checkPath(r.path ?? join(grantDir, `${owner}.sock`))),
    owner,
    mode: DEFAULT_SOCKET_MODE,
    as: field('--as', () => checkIdentityName(r.as ?? owner)),
    asGroups: field('--as-group', () => {
      if (r.asGroups !== undefined && !Array.isArray(r.asGroups)) throw new Error('want a list');
      return (r.asGroups ?? []).map(checkIdentityName);
    }),
    ...(r.asUid !== undefined && { asUid: field('--as-uid', () => checkIdentityName(r.asUid)) }),
    readOnly: r.readOnly === undefined ? false : field('--read-only', () => checkBool(r.readOnly)),
    ...(expireAfter !== undefined && { expiresAt: now + expireAfter }),
    acceptPaths: SERVE_DEFAULT_FILTERS.acceptPaths,
    rejectPaths: SERVE_DEFAULT_FILTERS.rejectPaths,
    rejectMethods: SERVE_DEFAULT_FILTERS.rejectMethods,
  };
}

function field<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new ControlRefusal(400, `${name}: ${(err as Error).message}`);
  }
}
