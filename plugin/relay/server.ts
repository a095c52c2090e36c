import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { Ctx } from '../context.ts';
import { SockError } from '../errors.ts';
import type { Klog } from '../klog.ts';
import { logExchange, type AccessLog, type Exchange } from './access-log.ts';
import { admit, type Admission, type AdmissionRules } from './admission.ts';
import { forward, type ForwardContext } from './forward.ts';
import { ConnectionGate } from './gate.ts';
import { PreAuth } from './pre-auth.ts';
import { sendReply } from './responses.ts';
import { listenOnSocketFile, removeSocketFile, type SocketFile } from './socket-file.ts';
import type { Upstream } from './upstream.ts';
import { relayUpgrade } from './upgrade.ts';
import { isStaticRequest, serveStatic, type StaticFiles } from './static-files.ts';

/** Where the relay listens: a unix socket file, or a TCP address. */
export type RelayListen =
  | { kind: 'unix'; path: string; mode: number; allowSharedDir: boolean }
  | { kind: 'tcp'; host: string; port: number; tls?: { cert: string; key: string }; fd?: number };

/** How a relay listens, admits, limits and ends. */
export interface RelayOptions {
  listen: RelayListen;
  rules: AdmissionRules;
  /** 0: no limit. */
  maxConnections: number;
  /** TCP keep-alive period of upgraded upstream connections, ms. */
  keepaliveMs: number;
  /** Stop serving after this long, ms; 0: never. */
  expireAfterMs: number;
  accessLog: AccessLog;
  /** kubectl proxy's --www: files served under their prefix, beside the API (never filtered, as kubectl's). */
  staticFiles?: StaticFiles;
  /** Told how many client connections are open whenever one opens or closes (the shared relay's idle clock). */
  onConnectionCount?: (open: number) => void;
}

/** Why a relay stopped: ctx.signal (SIGINT/SIGTERM), --expire-after, or its owner's stop(). */
export type StopReason = 'signal' | 'expired' | 'stopped';

export interface Relay {
  /** The address as kubectl proxy prints it: the socket path as given, or IP:port. */
  address: string;
  /** Settles once the relay has stopped and cleaned up; rejects after a fatal server error. */
  done: Promise<StopReason>;
  /** Stops serving (done settles with 'stopped'): the socket file is removed first, then every connection is closed. */
  stop(): Promise<void>;
}

/** Idle keep-alive connections are closed after this (Go's server keeps them forever; clients close theirs first). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/**
 * How the connections of one listener are served: the rules a request must
 * pass, the forwarding context (upstream, and for `serve` the socket's
 * identity), where finished exchanges are recorded, and the connection gate.
 */
export interface RelayRoute {
  fc: ForwardContext;
  rules: AdmissionRules;
  accessLog: AccessLog;
  gate: ConnectionGate;
  /** TCP keep-alive period of upgraded upstream connections, ms. */
  keepaliveMs: number;
  /** kubectl proxy's --www. */
  staticFiles?: StaticFiles;
  /** A relay guarded by a token (rules.bearerToken): connections that have not shown it yet (pre-auth.ts). */
  preAuth?: PreAuth;
}

/**
 * The HTTP side of a relay: one node:http server fed connections by one or
 * more listeners (emit 'connection'); each request is admitted, forwarded and
 * logged by the route of the connection it came on.
 */
export function createRelayHttp(routeOf: (socket: Duplex) => RelayRoute): HttpServer {
  // Go's defaults where Node's differ: no Host requirement (the filter decides), 1 MB of headers
  // (DefaultMaxHeaderBytes), no request deadline (a watch or an upload lasts); a large write
  // buffer so a fast stream is not paused every 16 KiB.
  const http = createServer({ requireHostHeader: false, maxHeaderSize: 1 << 20, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, requestTimeout: 0, highWaterMark: 1 << 20 });
  http.on('request', (req: IncomingMessage, res: ServerResponse) => onRequest(routeOf(req.socket), req, res));
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => onUpgrade(routeOf(req.socket), req, socket, head));
  return http;
}

/**
 * A listening socket's accepting side: connections are accepted paused (one
 * waiting for --max-connections is not read), tracked until they close (so a
 * stop can close them all, upgraded ones included; `onCount` hears how many
 * are open), and offered to the gate.
 */
export function createRelayListener(gate: ConnectionGate, onCount?: (open: number) => void): { net: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  // allowHalfOpen as http.Server's own. noDelay as Go sets on every TCP connection: without it
  // a first answer waits for the client's delayed ACK (~40 ms).
  const net = createNetServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, (s) => {
    sockets.add(s);
    onCount?.(sockets.size);
    s.once('close', () => {
      sockets.delete(s);
      onCount?.(sockets.size);
    });
    // A client may reset a connection still waiting for --max-connections, before http handles its errors.
    s.on('error', () => s.destroy());
    gate.offer(s);
  });
  return { net, sockets };
}

/**
 * Starts serving: the HTTP side of the relay, shared by `kubectl sock proxy`
 * and the passthrough relay. Resolves once the listener is ready (the socket
 * file in place with its final mode), so the caller may announce it.
 */
export async function startRelay(ctx: Ctx, upstream: Upstream, klog: Klog, opts: RelayOptions): Promise<Relay> {
  const fc: ForwardContext = { upstream, klog, errOut: ctx.streams.errOut, pid: ctx.pid, now: () => ctx.now() };
  const tlsContext = opts.listen.kind === 'tcp' && opts.listen.tls ? createSecureContext(opts.listen.tls) : undefined;
  const preAuth = opts.rules.bearerToken === undefined ? undefined : new PreAuth();
  const gate = new ConnectionGate(opts.maxConnections, (s) => {
    // TLS (the passthrough relay) wraps the accepted socket before HTTP sees it.
    const conn = tlsContext ? new TLSSocket(s, { isServer: true, secureContext: tlsContext }) : s;
    if (tlsContext) conn.on('error', () => s.destroy());
    preAuth?.add(conn, s);
    http.emit('connection', conn);
    s.resume();
  });
  const route: RelayRoute = { fc, rules: opts.rules, accessLog: opts.accessLog, gate, keepaliveMs: opts.keepaliveMs, staticFiles: opts.staticFiles, preAuth };
  const http = createRelayHttp(() => route);
  const { net, sockets } = createRelayListener(gate, opts.onConnectionCount);
  let sockFile: SocketFile | undefined;
  let address: string;
  if (opts.listen.kind === 'unix') {
    sockFile = await listenOnSocketFile(net, { path: opts.listen.path, cwd: ctx.cwd, mode: opts.listen.mode, allowSharedDir: opts.listen.allowSharedDir, uid: ctx.uid });
    address = opts.listen.path;
  } else {
    address = await listenTcp(net, opts.listen.host, opts.listen.port, opts.listen.fd);
  }
  return lifecycle(ctx, net, async () => {
    gate.close();
    preAuth?.close();
    if (sockFile) await removeSocketFile(sockFile);
    for (const s of sockets) s.destroy();
    // Let the closed exchanges reach the access log before it closes.
    await new Promise((r) => setImmediate(r));
    await upstream.close();
    await opts.accessLog.close();
  }, address, opts.expireAfterMs);
}

function lifecycle(ctx: Ctx, net: Server, cleanup: () => Promise<void>, address: string, expireAfterMs: number): Relay {
  let stopping: Promise<void> | undefined;
  let settle: { ok(r: StopReason): void; fail(e: unknown): void } | undefined;
  const done = new Promise<StopReason>((ok, fail) => (settle = { ok, fail }));
  let timer: NodeJS.Timeout | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      net.close();
      await cleanup();
    })();
    return stopping;
  };
  const onAbort = () => void stop().then(() => settle?.ok('signal'));
  ctx.signal.addEventListener('abort', onAbort);
  if (ctx.signal.aborted) onAbort();
  if (expireAfterMs > 0) timer = setTimeout(() => void stop().then(() => settle?.ok('expired')), expireAfterMs);
  net.on('error', (err: NodeJS.ErrnoException) => {
    void stop().then(() => settle?.fail(new SockError('E_SERVE', `serving on ${address}: ${err.message}`)));
  });
  return { address, done, stop: () => stop().then(() => settle?.ok('stopped')) };
}

function exchangeOf(ctx: ForwardContext, req: IncomingMessage): Exchange {
  return { time: ctx.now(), started: performance.now(), method: req.method ?? 'GET', path: req.url ?? '', status: 0, bytes: 0 };
}

/**
 * A token-guarded relay: a request that showed the token takes its connection
 * off probation (pre-auth.ts). Returns true when it did not (admission's only
 * 401), so that its answer closes the connection: a stranger cannot keep a
 * connection by sending one bad request after another.
 */
function withoutToken(route: RelayRoute, req: IncomingMessage, a: Admission): boolean {
  if (!route.preAuth) return false;
  if ('reply' in a && a.reply.status === 401) return true;
  route.preAuth.passed(req.socket);
  return false;
}

function onRequest(route: RelayRoute, req: IncomingMessage, res: ServerResponse): void {
  const { fc, gate } = route;
  const x = exchangeOf(fc, req);
  const socket = req.socket;
  gate.busy(socket);
  res.once('close', () => {
    gate.idle(socket);
    logExchange(route.accessLog, x);
  });
  if (gate.closeAfterAnswer()) res.shouldKeepAlive = false;
  if (route.staticFiles && isStaticRequest(req, route.staticFiles, route.rules.apiPrefix)) {
    void serveStatic(req, res, x, route.staticFiles).catch(() => res.destroy());
    return;
  }
  const a = admit(req, route.rules, false, fc.klog);
  if (withoutToken(route, req, a)) res.shouldKeepAlive = false;
  if ('reply' in a) {
    x.status = a.reply.status;
    x.bytes = sendReply(res, a.reply, x.method);
    return;
  }
  forward(fc, req, res, a.forward, x);
}

function onUpgrade(route: RelayRoute, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const { fc } = route;
  const x = exchangeOf(fc, req);
  // An upgraded connection is never idle: it is only let go when it closes.
  route.gate.busy(req.socket);
  let logged = false;
  const onClose = () => {
    if (logged) return;
    logged = true;
    logExchange(route.accessLog, x);
  };
  socket.on('error', () => socket.destroy());
  const a = admit(req, route.rules, true, fc.klog);
  withoutToken(route, req, a);
  if ('reply' in a) {
    x.status = a.reply.status;
    x.bytes = sendReply(socket, a.reply, x.method);
    return onClose();
  }
  relayUpgrade(fc, req, socket, head, a.forward, x, { keepaliveMs: route.keepaliveMs, onClose }).catch(() => {
    socket.destroy();
    onClose();
  });
}

/**
 * Listens on host:port, or on `fd`, a socket already listening there that a
 * parent process handed down (the shared relay's); returns Go's net.Addr
 * string (IP:port, IPv6 in brackets).
 */
export function listenTcp(net: Server, host: string, port: number, fd?: number): Promise<string> {
  return new Promise((ok, fail) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const texts: Record<string, string> = { EADDRINUSE: 'address already in use', EACCES: 'permission denied', EADDRNOTAVAIL: 'cannot assign requested address' };
      const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      fail(new SockError('E_LISTEN', `listen tcp ${where}: bind: ${(err.code && texts[err.code]) ?? err.message}`));
    };
    net.once('error', onError);
    const listening = () => {
      net.off('error', onError);
      const a = net.address() as AddressInfo;
      ok(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
    };
    if (fd === undefined) net.listen(port, host, listening);
    else net.listen({ fd }, listening);
  });
}
