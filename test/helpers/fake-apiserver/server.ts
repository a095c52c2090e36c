// The listeners (unix socket, plain TCP, TLS) over one shared state, with request
// recording, fault injection and bearer/client-cert authentication on TLS.
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { applyFault, takeFault } from './faults.ts';
import { LogStore, toLogLines } from './logs.ts';
import { resolveResource, type ResourceDef } from './resources.ts';
import { route, type RouteContext } from './routes.ts';
import { StatusError, internalError, sendStatus, unauthorized } from './status.ts';
import { Store } from './store.ts';
import { serveUpgrade } from './upgrades.ts';
import type { FakeApiServer, FakeApiServerOptions, Fault, ListenerKind, RecordedRequest, TlsOptions, VersionInfo } from './types.ts';

/** What a v1.32 kube-apiserver's /version holds (emulation fields came in 1.33). */
export function defaultVersion(): VersionInfo {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.4-fake',
    gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:02:27Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: `${process.platform}/${arch}`,
  };
}

function clientSubject(req: IncomingMessage): string | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function' || !sock.authorized) return undefined;
  const subject = sock.getPeerCertificate().subject as unknown as Record<string, string | string[]> | undefined;
  if (!subject) return undefined;
  return Object.entries(subject).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ');
}

function record(req: IncomingMessage, listener: ListenerKind): RecordedRequest {
  const subject = listener === 'tls' ? clientSubject(req) : undefined;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: { ...req.headers },
    listener,
    ...(subject !== undefined ? { clientCertSubject: subject } : {}),
  };
}

function listen(server: Server, target: string | number): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    const done = (): void => {
      server.off('error', fail);
      ok();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target, '127.0.0.1', done);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
type Handlers = (kind: ListenerKind) => { request: RequestHandler; upgrade: UpgradeHandler };

interface Listeners {
  servers: Server[];
  unixPath?: string;
  httpUrl?: string;
  httpsUrl?: string;
}

/** 127.0.0.1:PORT of a server that listens on TCP. */
async function listenTcp(l: Listeners, server: Server): Promise<string> {
  await listen(server, 0);
  l.servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function tlsServer(tls: TlsOptions, handler: RequestHandler): Server {
  const { cert, key, ca } = tls;
  // Like kube-apiserver's VerifyClientCertIfGiven: a client cert is optional, a bad one is refused.
  const server = createTlsServer({ cert, key, ...(ca ? { ca, requestCert: true, rejectUnauthorized: false } : {}) }, handler);
  server.on('secureConnection', (sock: TLSSocket) => {
    if (ca && !sock.authorized && Object.keys(sock.getPeerCertificate()).length > 0) sock.destroy();
  });
  return server;
}

/** The listener's request handler, plus its upgrade handler (exec, attach, port-forward). */
function serving(h: ReturnType<Handlers>, make: (request: RequestHandler) => Server): Server {
  return make(h.request).on('upgrade', h.upgrade);
}

async function startListeners(opts: FakeApiServerOptions, handler: Handlers): Promise<Listeners> {
  const l: Listeners = { servers: [] };
  try {
    if (opts.unixSocket !== undefined) {
      const path = resolve(opts.unixSocket);
      rmSync(path, { force: true });
      const server = serving(handler('unix'), createServer);
      await listen(server, path);
      l.servers.push(server);
      l.unixPath = path;
    }
    if (opts.tcp) l.httpUrl = `http://${await listenTcp(l, serving(handler('tcp'), createServer))}`;
    const tls = opts.tls;
    if (tls) l.httpsUrl = `https://${await listenTcp(l, serving(handler('tls'), (r) => tlsServer(tls, r)))}`;
  } catch (err) {
    // Leave nothing listening when one of several listeners fails.
    await Promise.all(l.servers.map(closeServer));
    throw err;
  }
  return l;
}

interface State extends RouteContext {
  timers: Set<NodeJS.Timeout>;
  /** exec, attach and port-forward connections, closed with the server. */
  upgraded: Set<Duplex>;
  requests: RecordedRequest[];
  faults: Fault[];
}

function makeHandler(state: State, opts: FakeApiServerOptions): Handlers {
  const authorized = (req: IncomingMessage, listener: ListenerKind): boolean =>
    !(listener === 'tls' && opts.token !== undefined && !clientSubject(req) && req.headers.authorization !== `Bearer ${opts.token}`);
  const serve = (req: IncomingMessage, res: ServerResponse, listener: ListenerKind): void => {
    try {
      if (!authorized(req, listener)) return sendStatus(res, unauthorized());
      route(req, res, state);
    } catch (err) {
      if (res.headersSent) res.destroy();
      else sendStatus(res, err instanceof StatusError ? err.status : internalError(err));
    }
  };
  const request = (listener: ListenerKind): RequestHandler => (req, res) => {
    const rec = record(req, listener);
    state.requests.push(rec);
    // Faults come first: they stand for the network or a proxy, not the API server.
    const fault = takeFault(state.faults, rec);
    if (fault) applyFault(fault, req, res, () => serve(req, res, listener), state.timers);
    else serve(req, res, listener);
  };
  const upgrade = (listener: ListenerKind): UpgradeHandler => (req, socket, head) => {
    state.requests.push(record(req, listener));
    serveUpgrade(req, socket, head, state, authorized(req, listener));
  };
  return (listener) => ({ request: request(listener), upgrade: upgrade(listener) });
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  let address = '127.0.0.1:6443';
  const state: State = {
    store: new Store(), logs: new LogStore(), streams: new Set(), timers: new Set(), upgraded: new Set(), requests: [], faults: [],
    version: { ...defaultVersion(), ...opts.version },
    serverAddress: () => address,
  };
  for (const name of ['default', 'kube-system']) state.store.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const l = await startListeners(opts, makeHandler(state, opts));
  address = (l.httpsUrl ?? l.httpUrl ?? `http://${address}`).replace(/^https?:\/\//, '');
  return facade(state, l);
}

function facade(state: State, l: Listeners): FakeApiServer {
  const { store, logs } = state;
  const byName = (resource: string): ResourceDef => {
    const def = resolveResource(resource);
    if (!def) throw new Error(`fake apiserver: unknown resource ${resource}`);
    return def;
  };
  return {
    ...(l.unixPath !== undefined ? { unixUrl: `unix://${l.unixPath}` } : {}),
    ...(l.httpUrl !== undefined ? { httpUrl: l.httpUrl } : {}),
    ...(l.httpsUrl !== undefined ? { httpsUrl: l.httpsUrl } : {}),
    requests: state.requests,
    faults: state.faults,
    addObject: (obj) => store.add(obj),
    updateObject: (obj) => store.update(obj),
    deleteObject: (resource, namespace, name) => store.delete(byName(resource), namespace, name),
    getObject: (resource, namespace, name) => store.get(byName(resource), namespace, name),
    setLogs: (namespace, pod, container, lines, o) => logs.set({ namespace, pod, container }, toLogLines(lines), o?.previous),
    appendLogs: (namespace, pod, container, lines) => logs.append({ namespace, pod, container }, toLogLines(lines)),
    compact: () => store.compact(),
    async close(opts) {
      for (const res of [...state.streams]) if (opts?.abrupt) res.destroy(); else res.end();
      for (const socket of [...state.upgraded]) socket.destroy();
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
      await Promise.all(l.servers.map(closeServer));
      if (l.unixPath !== undefined) rmSync(l.unixPath, { force: true });
    },
  };
}
