import type { Writable } from 'node:stream';
import { noAccessLog, openAccessLog, type AccessLog, type ServedBy } from '../relay/access-log.ts';
import type { SocketSpec } from './spec.ts';

/**
 * `serve --audit-log`: proxy's --access-log (the same file rules, the same
 * JSON line), each record naming the socket, its owner and the identity the
 * request was sent as. Reopened on SIGHUP, so logrotate can move the file
 * away and have the server start a new one.
 */
export class AuditLog {
  readonly #target: string;
  readonly #cwd: string;
  readonly #errOut: Writable;
  readonly #uid: number;
  #log: AccessLog = noAccessLog;

  private constructor(target: string, cwd: string, errOut: Writable, uid: number) {
    this.#target = target;
    this.#cwd = cwd;
    this.#errOut = errOut;
    this.#uid = uid;
  }

  /** Opens the log ('' for none, '-' for stderr); throws as --access-log does (the same file rules: access-log.ts). */
  static async open(target: string, cwd: string, errOut: Writable, uid: number): Promise<AuditLog> {
    const a = new AuditLog(target, cwd, errOut, uid);
    a.#log = await openAccessLog(target, cwd, errOut, uid);
    return a;
  }

  /** The log of one socket's requests. */
  forSocket(spec: SocketSpec): AccessLog {
    const served = servedBy(spec);
    return { write: (r) => this.#log.write({ ...r, served }), close: () => Promise.resolve() };
  }

  /** Opens the file again (after a rotation); the old one is closed once its lines are written. Throws, keeping the old, on failure. */
  async reopen(): Promise<void> {
    if (this.#target === '' || this.#target === '-') return;
    const next = await openAccessLog(this.#target, this.#cwd, this.#errOut, this.#uid);
    const old = this.#log;
    this.#log = next;
    await old.close();
  }

  close(): Promise<void> {
    return this.#log.close();
  }
}

export function servedBy(spec: SocketSpec): ServedBy {
  return {
    socket: spec.path,
    owner: spec.owner,
    identity: {
      username: spec.as,
      ...(spec.asUid !== undefined && { uid: spec.asUid }),
      ...(spec.asGroups.length > 0 && { groups: spec.asGroups }),
    },
  };
}
