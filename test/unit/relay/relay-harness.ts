// A relay started in-process in front of a small TLS upstream the test controls,
// and raw HTTP clients for its unix socket. Shared by the relay test files.
import { createServer as createHttps, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { resolveClientConfig } from '../../../plugin/kube/clientcmd/client-config.ts';
import { newKlog } from '../../../plugin/klog.ts';
import { compileFilter, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS } from '../../../plugin/relay/filters.ts';
import { startRelay, type Relay, type RelayOptions } from '../../../plugin/relay/server.ts';
import { Upstream } from '../../../plugin/relay/upstream.ts';
import type { AccessRecord } from '../../../plugin/relay/access-log.ts';
import { makePki, type Pki } from '../../helpers/certs.ts';
import { testCtx, type Capture } from '../../helpers/context.ts';
import { kc, tempDir } from '../../helpers/kubeconfig-builder.ts';

export const TOKEN = 'relay-test-token';

export interface UpstreamServer {
  server: Server;
  port: number;
  pki: Pki;
  /** Request handlers by path; 404 otherwise. */
  routes: Map<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** Upgrade handlers by path. */
  upgrades: Map<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  seen: IncomingMessage[];
  close(): Promise<void>;
}

/** A TLS server that requires the bearer token, as the API server would. */
export async function startUpstream(dir: string): Promise<UpstreamServer> {
  const pki = await makePki(join(dir, 'pki'));
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const upgrades = new Map<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  const seen: IncomingMessage[] = [];
  const server = createHttps({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    seen.push(req);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('{"kind":"Status","code":401}');
    const handler = routes.get((req.url ?? '').split('?')[0] as string);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    seen.push(req);
    socket.on('error', () => undefined);
    const handler = upgrades.get((req.url ?? '').split('?')[0] as string);
    if (req.headers.authorization === `Bearer ${TOKEN}` && handler) return handler(req, socket, head);
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"code":"403"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server, port, pki, routes, upgrades, seen,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export interface Harness {
  relay: Relay;
  sock: string;
  dir: string;
  records: AccessRecord[];
  out: Capture;
  err: Capture;
  abort: AbortController;
}

/** kubectl proxy's defaults, which options may override. */
export function defaultRules(): RelayOptions['rules'] {
  return {
    apiPrefix: '/',
    filter: compileFilter({ acceptPaths: DEFAULT_ACCEPT_PATHS, rejectPaths: DEFAULT_REJECT_PATHS, acceptHosts: DEFAULT_ACCEPT_HOSTS, rejectMethods: DEFAULT_REJECT_METHODS }),
    readOnly: false,
    serverPath: '',
  };
}

/** Starts a relay on a fresh socket in front of `https://127.0.0.1:port` with the token, through a kubeconfig. */
export async function startHarness(port: number, caPath: string, opts: Partial<Omit<RelayOptions, 'listen' | 'accessLog'>> = {}, user: Record<string, unknown> = { token: TOKEN }): Promise<Harness> {
  const dir = tempDir('ksock-relay-');
  const kubeconfig = kc()
    .cluster('up', { server: `https://127.0.0.1:${port}`, 'certificate-authority': caPath })
    .user('u', user)
    .context('c', { cluster: 'up', user: 'u' })
    .current('c')
    .write(join(dir, 'config'));
  const { ctx, out, err, abort } = testCtx({ cwd: dir });
  const config = await resolveClientConfig({ flags: { kubeconfig }, env: {}, home: dir, cwd: dir });
  const klog = newKlog(0, err, () => new Date(), 4242);
  const records: AccessRecord[] = [];
  const sock = join(dir, 'relay.sock');
  const relay = await startRelay(ctx, new Upstream(ctx, config, klog), klog, {
    listen: { kind: 'unix', path: sock, mode: 0o600, allowSharedDir: false },
    rules: defaultRules(),
    maxConnections: 0,
    keepaliveMs: 0,
    expireAfterMs: 0,
    accessLog: { write: (r) => void records.push(r), close: () => Promise.resolve() },
    ...opts,
  });
  return { relay, sock, dir, records, out, err, abort };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over the unix socket (a fresh connection unless an agent is given). */
export function call(sock: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request({ socketPath: sock, method, path, headers: { host: 'localhost', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Sends raw bytes on a new connection and collects everything until the peer closes. */
export function rawExchange(sock: string, bytes: string | Buffer): Promise<string> {
  return new Promise((ok, fail) => {
    const c = connect(sock);
    let text = '';
    c.on('data', (d) => (text += d.toString('latin1')));
    c.on('end', () => ok(text));
    c.on('error', fail);
    c.write(bytes);
  });
}

/** Opens a connection, sends an upgrade request head (plus early bytes), resolves with the socket once the head of the answer arrived. */
export function openUpgrade(sock: string, head: string, early: Buffer = Buffer.alloc(0)): Promise<{ socket: Socket; answer: string; rest: Buffer }> {
  return new Promise((ok, fail) => {
    const socket = connect(sock);
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      ok({ socket, answer: buf.subarray(0, end + 4).toString('latin1'), rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.on('error', fail);
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), early]));
  });
}
