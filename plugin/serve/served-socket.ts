import type { Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'node:net';
import { ConnectionGate } from '../relay/gate.ts';
import { compileFilter } from '../relay/filters.ts';
import type { ForwardContext } from '../relay/forward.ts';
import { createRelayListener, type RelayRoute } from '../relay/server.ts';
import { listenOnSocketFile, removeSocketFile, type SocketFile } from '../relay/socket-file.ts';
import { SERVE_FOLDER_HINT } from '../relay/socket-folder.ts';
import type { AuditLog } from './audit.ts';
import { SERVE_DEFAULT_FILTERS, identityHeaders, maxConnectionsOf, type SocketOrigin, type SocketSpec } from './spec.ts';

/** A socket to serve, its owner resolved to ids. */
export interface DesiredSocket {
  spec: SocketSpec;
  origin: SocketOrigin;
  uid: number;
  /** -1: keep the server's group. */
  gid: number;
}

/** What every socket of one server shares. */
export interface SocketHost {
  http: HttpServer;
  /** The server's own user (Ctx.uid): the folders of its sockets must be its or root's (socket-folder.ts). */
  uid: number;
  /** The forwarding context of the server (upstream, klog); each socket adds its identity. */
  fc: ForwardContext;
  /** The API server URL's own path, put before every forwarded path. */
  serverPath: string;
  audit: AuditLog;
  /** Records which route a new connection belongs to, for the shared HTTP server. */
  attach(s: Socket, route: RelayRoute): void;
}

/**
 * One socket of `kubectl sock serve`: its file (created as `proxy
 * --unix-socket` creates one, then handed to its owner before it appears at
 * its path), its listener, and the connections it accepted, so that closing
 * it cuts them all at once, watches and upgraded streams included.
 */
export class ServedSocket {
  readonly want: DesiredSocket;
  /** When this socket was first served (expireAfter counts from here), epoch ms. */
  readonly since: number;
  readonly #file: SocketFile;
  readonly #net: { close(): void };
  readonly #sockets: Set<Socket>;
  readonly #gate: ConnectionGate;
  #closing: Promise<void> | undefined;

  private constructor(want: DesiredSocket, since: number, file: SocketFile, net: { close(): void }, sockets: Set<Socket>, gate: ConnectionGate) {
    this.want = want;
    this.since = since;
    this.#file = file;
    this.#net = net;
    this.#sockets = sockets;
    this.#gate = gate;
  }

  /** Creates the socket file and starts accepting; throws SockError (E_SOCKET) when the file cannot be made. */
  static async open(host: SocketHost, want: DesiredSocket, now: number): Promise<ServedSocket> {
    const { spec } = want;
    const route: RelayRoute = {
      fc: { ...host.fc, identity: identityHeaders(spec) },
      rules: {
        apiPrefix: '/',
        filter: compileFilter({ acceptPaths: spec.acceptPaths, rejectPaths: spec.rejectPaths, rejectMethods: spec.rejectMethods, acceptHosts: SERVE_DEFAULT_FILTERS.acceptHosts }),
        readOnly: spec.readOnly,
        readOnlyWhy: `kubectl sock serve: ${spec.path} is read-only`,
        serverPath: host.serverPath,
      },
      accessLog: host.audit.forSocket(spec),
      keepaliveMs: 0,
      gate: new ConnectionGate(0, (s) => {
        host.attach(s, route);
        host.http.emit('connection', s);
        s.resume();
      }),
    };
    const { net, sockets } = createRelayListener(route.gate);
    limitConnections(net, sockets, spec, host.fc);
    // The owner may own the socket's own folder too (a socket in ~alice/.kube for alice): socket-folder.ts's socketOwner.
    const file = await listenOnSocketFile(net, {
      path: spec.path, cwd: '/', mode: spec.mode, allowSharedDir: false, folderHint: SERVE_FOLDER_HINT, uid: host.uid, socketOwner: want.uid, owner: { uid: want.uid, gid: want.gid },
    });
    return new ServedSocket(want, now, file, net, sockets, route.gate);
  }

  get path(): string {
    return this.want.spec.path;
  }

  /** Open client connections (an upgraded exec or port-forward counts as one). */
  get connections(): number {
    return this.#sockets.size;
  }

  /** When it stops being served, epoch ms; undefined: never. */
  get deadline(): number | undefined {
    const { spec } = this.want;
    if (spec.expiresAt !== undefined) return spec.expiresAt;
    if (spec.expireAfterMs !== undefined) return this.since + spec.expireAfterMs;
    return undefined;
  }

  /**
   * Stops serving, at once and before anything is awaited: the listener is
   * closed (a new connection is refused) and every open connection destroyed,
   * which aborts its upstream request or tunnel. Then the file is removed.
   * Returns the number of connections cut.
   */
  close(): Promise<number> {
    const cut = this.#sockets.size;
    if (!this.#closing) {
      this.#net.close();
      this.#gate.close();
      for (const s of this.#sockets) s.destroy();
      this.#closing = removeSocketFile(this.#file);
    }
    return this.#closing.then(() => cut);
  }
}

/**
 * maxConnections: a connection beyond the socket's limit is closed as soon as
 * it is accepted (net.Server's maxConnections), so that one owner cannot take
 * the file descriptors every other socket needs; client-go retries a GET whose
 * connection ended so. The first refusal of each burst is logged.
 */
function limitConnections(net: Server, sockets: Set<Socket>, spec: SocketSpec, fc: ForwardContext): void {
  const max = maxConnectionsOf(spec);
  if (max === 0) return;
  net.maxConnections = max;
  let told = false;
  net.on('drop', () => {
    if (told) return;
    told = true;
    fc.klog.error('serve.ts', `${spec.path}: ${max} connections open, its maxConnections; closing new ones until one ends`);
  });
  net.on('connection', (s: Socket) => s.once('close', () => (told = sockets.size >= max && told)));
}
