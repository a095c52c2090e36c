import { readFileSync } from 'node:fs';
import type { buildConnector, Dispatcher } from 'undici';
import { ConfigError } from '../errors.ts';
import type { TlsConfig } from '../kube/client-config.ts';
import { DEFAULT_UNIX_TLS_SERVER_NAME, type NetAddress, type ServerAddress } from './address.ts';
import { goLookup } from './go-lookup.ts';
import { proxyFor } from './proxy-env.ts';

/**
 * Response header limit: Go's http.Transport allows 10 MB; 1 MiB is ample for
 * an API server, and passing it keeps undici from loading node:http for its default.
 */
const MAX_HEADER_SIZE = 1 << 20;

/** A connection pool for one server, and how request URLs are written for it. */
export interface Transport {
  dispatcher: Dispatcher;
  /** The origin undici sends to; over a unix socket its host becomes the Host header. */
  origin: string;
  /** A path prefix from the server URL (https://host/k8s/clusters/x), without a trailing slash. */
  basePath: string;
  /**
   * Tears the pool down. Commands call it when they are done, so nothing is in
   * flight; undici's graceful close() can wait forever after a failed TLS handshake.
   */
  close(): Promise<void>;
}

/** Client certificate material supplied at run time (an exec plugin's clientCertificateData). */
export interface ClientCertificate {
  cert: Buffer;
  key: Buffer;
}

export interface TransportOptions {
  address: ServerAddress;
  tls: TlsConfig;
  proxyUrl?: string;
  env: Readonly<Record<string, string | undefined>>;
  clientCertificate?: ClientCertificate;
}

/**
 * Builds the undici dispatcher for an address. undici is loaded piecemeal and
 * lazily: its full entry costs ~45 ms of start-up (shared/reference/single-binary.md).
 */
export async function openTransport(opts: TransportOptions): Promise<Transport> {
  const { default: Client } = await import('undici/lib/dispatcher/client.js');
  const { address } = opts;
  const connect = address.tls ? tlsConnectOptions(opts) : undefined;
  if (address.transport === 'unix') {
    // kubectl proxy's --accept-hosts admits "localhost" only; the Host header follows the origin.
    const host = address.tls ? opts.tls.serverName || DEFAULT_UNIX_TLS_SERVER_NAME : 'localhost';
    const origin = `${address.tls ? 'https' : 'http'}://${host}`;
    const client = new Client(origin, { socketPath: address.socketPath, connect, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
    return { dispatcher: client, origin, basePath: '', close: () => client.destroy() };
  }
  const origin = address.url.origin;
  const { basePath } = address;
  const proxy = proxyFor(address, opts.proxyUrl, opts.env);
  if (proxy) {
    const { default: ProxyAgent } = await import('undici/lib/dispatcher/proxy-agent.js');
    const agent = new ProxyAgent({ uri: proxy, requestTls: connect, proxyTls: connect, maxHeaderSize: MAX_HEADER_SIZE });
    return { dispatcher: agent, origin, basePath, close: () => agent.destroy() };
  }
  const client = new Client(origin, { connect: await goDialer(address, connect), pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  const dispatcher = address.authority === address.url.host ? client : client.compose(hostHeader(address.authority));
  return { dispatcher, origin, basePath, close: () => client.destroy() };
}

/** Go sends the URL's host as written in Host; undici would send the origin's (WHATWG's reading, or a stand-in). */
function hostHeader(host: string): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const h = opts.headers;
    const has = (name: unknown) => typeof name === 'string' && name.toLowerCase() === 'host';
    if (Array.isArray(h)) return dispatch({ ...opts, headers: h.some((v, i) => i % 2 === 0 && has(v)) ? h : [...h, 'host', host] }, handler);
    const record = (h ?? {}) as Record<string, string | string[] | undefined>;
    return dispatch({ ...opts, headers: Object.keys(record).some(has) ? record : { host, ...record } }, handler);
  };
}

/**
 * Names are looked up as kubectl looks them up (go-lookup.ts); a name WHATWG
 * URL read as an IPv4 address (0xa, 127.1) is dialled as the name it is to Go.
 */
async function goDialer(address: NetAddress, connect: Record<string, unknown> | undefined): Promise<buildConnector.BuildOptions | buildConnector.connector> {
  if (address.host === address.url.hostname) return { ...connect, lookup: goLookup } as buildConnector.BuildOptions;
  const { default: build } = await import('undici/lib/core/connect.js');
  const dial = build({ ...connect, lookup: goLookup } as buildConnector.BuildOptions);
  const servername = (connect?.['servername'] as string | undefined) || address.host;
  return (opts, callback) => dial({ ...opts, hostname: address.host, servername: opts.servername || servername }, callback);
}
/** The TLS options client-go's transport.TLSConfigFor would build. */
function tlsConnectOptions(opts: TransportOptions): Record<string, unknown> {
  const { tls } = opts;
  if (tls.insecure && (tls.caFile || tls.caData)) {
    throw new ConfigError('specifying a root certificates file with the insecure flag is not allowed');
  }
  const out: Record<string, unknown> = { rejectUnauthorized: !tls.insecure };
  const ca = tls.caData ?? readTlsFile(tls.caFile, 'certificate-authority');
  if (ca) out['ca'] = ca;
  const cert = opts.clientCertificate?.cert ?? tls.certData ?? readTlsFile(tls.certFile, 'client-certificate');
  const key = opts.clientCertificate?.key ?? tls.keyData ?? readTlsFile(tls.keyFile, 'client-key');
  if (cert && key) {
    out['cert'] = cert;
    out['key'] = key;
  }
  const serverName =
    tls.serverName || (opts.address.transport === 'unix' ? DEFAULT_UNIX_TLS_SERVER_NAME : undefined);
  if (serverName) out['servername'] = serverName;
  return out;
}

function readTlsFile(path: string | undefined, what: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new ConfigError(`unable to read ${what} ${path}: open ${path}: ${why}`);
  }
}
