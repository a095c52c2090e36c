import type { FlagDef } from '../cli/flags.ts';
import { SockError } from '../errors.ts';

/**
 * The control socket's protocol: JSON over HTTP on a unix socket that only the
 * server's own user can reach (serve --control-socket, in a 0700 folder).
 *
 *   GET    /v1/sockets            → 200 {sockets: SocketStatus[]}
 *   POST   /v1/grants             GrantRequest → 201 SocketStatus
 *   DELETE /v1/grants?target=X    → 200 {revoked: [...]}   (X: a user name or a socket path)
 *
 * Refusals are 4xx with {message}, which the client prints as its error.
 */

/** Where `serve` listens for grant, revoke and grants unless told otherwise (systemd's RuntimeDirectory=kubectl-sock). */
export const DEFAULT_CONTROL_SOCKET = '/run/kubectl-sock/control/serve.sock';

/** --control-socket of grant, revoke and grants. */
export const controlSocketFlag: FlagDef = {
  name: 'control-socket', kind: 'string', defValue: DEFAULT_CONTROL_SOCKET, usage: 'The control socket of the kubectl sock serve to talk to.',
};

/** What `kubectl sock grant` asks for; unset fields take the server's defaults. */
export interface GrantRequest {
  /** The local user the socket is handed to (name or uid). */
  user: string;
  path?: string;
  as?: string;
  asGroups?: string[];
  asUid?: string;
  readOnly?: boolean;
  /** A Go duration. */
  expireAfter?: string;
}

/** One served socket, as `kubectl sock grants` lists it. */
export interface SocketStatus {
  path: string;
  owner: string;
  group?: string;
  mode: string;
  identity: { username: string; uid?: string; groups?: string[] };
  readOnly: boolean;
  /** RFC 3339; absent: never. */
  expiresAt?: string;
  connections: number;
  /** config: an entry of the config file; grant: made with `kubectl sock grant`. */
  source: 'config' | 'grant';
  /** The file (and line) the socket is defined in. */
  definedIn: string;
}

export interface RevokeAnswer {
  revoked: Array<{ path: string; connections: number }>;
}

/** A request the server refuses: the HTTP status it answers with, and why. */
export class ControlRefusal extends SockError {
  readonly status: number;
  constructor(status: 400 | 404 | 409 | 500, message: string) {
    super('E_CONTROL', message);
    this.status = status;
  }
}
