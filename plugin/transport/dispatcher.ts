import { readFileSync } from 'node:fs';
import type { buildConnector, Dispatcher } from 'undici';
import { ConfigError } from '../errors.ts';
import type { TlsConfig } from '../kube/clientcmd/client-config.ts';
import { DEFAULT_UNIX_TLS_SERVER_NAME, type NetAddress, type ServerAddress } from './address.ts';
import { goLookup } from './go-lookup.ts';
import { proxyFor } from './proxy-env.ts';
import { errnoText } from '../kube/clientcmd/kubeconfig-validate.ts';
import type { DialTrace } from './dial-trace.ts';

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
  /** -v=9: told about every connection made (client-go's httptrace), for direct connections. */
  onDial?: (t: DialTrace) => void;
}

/**
 * Builds the undici dispatcher for an address. undici is loaded piecemeal and
 * lazily: its full entry costs ~45 ms of start-up (shared/reference/single-binary.md).
 */
export async function openTransport(opts: TransportOptions): Promise<Transport> {
  const { default: Client } = await import('undici/lib/dispatcher/client.js');
  const { address } = opts;
  const tlsOptions = address.tls ? await checkedTlsOptions(opts) : undefined;
  if (address.transport === 'unix') {
    const { socketPath } = address;
    const connect = opts.onDial ? await traced({ ...tlsOptions, socketPath }, socketPath, address, opts.onDial) : tlsOptions;
    const origin = `${address.tls ? 'https' : 'http'}://${hostHeader(address, opts.tls)}`;
    const client = new Client(origin, { socketPath, connect, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
    return { dispatcher: client, origin, basePath: '', close: () => client.destroy() };
  }
  const origin = address.url.origin;
  const { basePath } = address;
  const proxy = proxyFor(address, opts.proxyUrl, opts.env);
  if (proxy) return proxiedTransport(Client, new URL(proxy), address, tlsOptions);
  const client = new Client(origin, { connect: await goDialer(address, tlsOptions, opts.onDial), pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  return { dispatcher: withGoHost(client, address), origin, basePath, close: () => client.destroy() };
}

type ClientClass = typeof import('undici/lib/dispatcher/client.js').default;

/** The connector undici's Client would build from these options, timed for -v=9 (dial-trace.ts). */
async function traced(options: Record<string, unknown>, socketPath: string | undefined, address: ServerAddress, onDial: (t: DialTrace) => void): Promise<buildConnector.connector> {
  const [{ default: buildConnector }, { tracedConnector }, { toConnectError }] = await Promise.all([
    import('undici/lib/core/connect.js'), import('./dial-trace.ts'), import('./connect-error.ts'),
  ]);
  const inner = buildConnector(options as Parameters<typeof buildConnector>[0]) as unknown as Parameters<typeof tracedConnector>[0];
  const describe = (err: Error) => toConnectError(err, address)?.detail ?? err.message;
  return tracedConnector(inner, socketPath, describe, onDial) as unknown as buildConnector.connector;
}

/**
 * A server reached through a proxy (proxy-url, or HTTPS_PROXY and friends), as
 * Go's http.Transport reaches it: an https server, and any server behind a
 * socks5 proxy, through a tunnel (CONNECT, or SOCKS5's CONNECT) with TLS
 * inside; an http server through an http(s) proxy with absolute-form requests
 * (`GET http://host:port/api HTTP/1.1`), its upgrades tunnelled (client-go's
 * SPDY dialer CONNECTs).
 */
async function proxiedTransport(Client: ClientClass, proxy: URL, address: NetAddress, tls: Record<string, unknown> | undefined): Promise<Transport> {
  const { tunnelConnector, proxyAuthorization } = await import('./proxy-dial.ts');
  const { origin, basePath } = { origin: address.url.origin, basePath: address.basePath };
  const target = { hostname: address.host, port: address.url.port || (address.tls ? '443' : '80') };
  const tunnel = new Client(origin, { connect: tunnelConnector(proxy, target, tls), pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  const tunnelled = withGoHost(tunnel, address);
  if (address.tls || proxy.protocol === 'socks5:') return { dispatcher: tunnelled, origin, basePath, close: () => tunnel.destroy() };
  const direct = new Client(proxy.origin, { connect: proxy.protocol === 'https:' ? tls : undefined, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  // The request target and Host name the server as Go's URL does (0xa stays 0xa).
  const absolute = `${address.url.protocol}//${address.authority}`;
  const extra: Record<string, string> = { host: address.authority };
  const auth = proxyAuthorization(proxy);
  if (auth) extra['proxy-authorization'] = auth;
  const forward = {
    dispatch(o: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      if (o.upgrade) return tunnelled.dispatch(o, handler);
      return direct.dispatch({ ...o, path: `${absolute}${o.path}`, headers: withHeaders(o.headers, extra) }, handler);
    },
    close: () => Promise.all([direct.close(), tunnel.close()]),
    destroy: () => Promise.all([direct.destroy(), tunnel.destroy()]),
  };
  return { dispatcher: forward as unknown as Dispatcher, origin, basePath, close: async () => void (await forward.destroy()) };
}

/** Request headers (a record or a flat list, as undici takes them) with more added. */
function withHeaders(headers: Dispatcher.DispatchOptions['headers'], extra: Record<string, string>): Dispatcher.DispatchOptions['headers'] {
  if (Array.isArray(headers)) return [...headers, ...Object.entries(extra).flat()] as string[];
  return { ...(headers as Record<string, string> | undefined), ...extra };
}

/**
 * The TLS options, with what client-go's TransportFor refuses before any
 * request refused here too: unreadable files, CA data with no certificate.
 */
export async function checkedTlsOptions(opts: Pick<TransportOptions, 'address' | 'tls' | 'clientCertificate'>): Promise<Record<string, unknown>> {
  const connect = tlsConnectOptions(opts);
  if (connect['ca']) (await import('./root-certificates.ts')).checkRootCertificates(connect['ca'] as Buffer);
  return connect;
}

/** Checks the TLS configuration of an address as building a client does (kubectl version does so before printing). */
export async function checkTlsConfig(address: ServerAddress, tls: TlsConfig): Promise<void> {
  if (address.tls) await checkedTlsOptions({ address, tls });
}

/**
 * The Host header requests carry: the host as Go's URL writes it (0xa stays
 * 0xa), or for a socket "localhost" (kubectl proxy's --accept-hosts admits it)
 * or the TLS server name.
 */
export function hostHeader(address: ServerAddress, tls: TlsConfig): string {
  if (address.transport === 'tcp') return address.authority;
  return address.tls ? tls.serverName || DEFAULT_UNIX_TLS_SERVER_NAME : 'localhost';
}

/** Go sends the URL's host as written in Host; undici would send the origin's (WHATWG's reading, or a stand-in). */
function withGoHost(client: InstanceType<ClientClass>, address: NetAddress): Dispatcher {
  return address.authority === address.url.host ? client : client.compose(hostInterceptor(address.authority));
}

function hostInterceptor(host: string): Dispatcher.DispatcherComposeInterceptor {
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
async function goDialer(address: NetAddress, connect: Record<string, unknown> | undefined, onDial?: (t: DialTrace) => void): Promise<buildConnector.BuildOptions | buildConnector.connector> {
  const options = { ...connect, lookup: goLookup };
  const asWritten = address.host === address.url.hostname;
  if (asWritten && !onDial) return options as buildConnector.BuildOptions;
  const dial = onDial
    ? await traced(options, undefined, address, onDial)
    : (await import('undici/lib/core/connect.js')).default(options as buildConnector.BuildOptions);
  if (asWritten) return dial;
  const servername = (connect?.['servername'] as string | undefined) || address.host;
  return (opts, callback) => dial({ ...opts, hostname: address.host, servername: opts.servername || servername }, callback);
}

/** The TLS options client-go's transport.TLSConfigFor would build (node:tls connect options). */
function tlsConnectOptions(opts: Pick<TransportOptions, 'address' | 'tls' | 'clientCertificate'>): Record<string, unknown> {
  const { tls } = opts;
  if (tls.insecure && (tls.caFile || tls.caData)) {
    throw new ConfigError('specifying a root certificates file with the insecure flag is not allowed');
  }
  const out: Record<string, unknown> = { rejectUnauthorized: !tls.insecure };
  const ca = tls.caData ?? readTlsFile(tls.caFile);
  if (ca) out['ca'] = ca;
  const cert = opts.clientCertificate?.cert ?? tls.certData ?? readTlsFile(tls.certFile);
  const key = opts.clientCertificate?.key ?? tls.keyData ?? readTlsFile(tls.keyFile);
  if (cert && key) {
    out['cert'] = cert;
    out['key'] = key;
  }
  const serverName =
    tls.serverName || (opts.address.transport === 'unix' ? DEFAULT_UNIX_TLS_SERVER_NAME : undefined);
  if (serverName) out['servername'] = serverName;
  return out;
}

/**
 * client-go's dataFromSliceOrFile: os.ReadFile's error as it is ("open /x: no
 * such file or directory", "read /x: is a directory"). A missing file is
 * usually reported earlier, by ConfirmUsable, naming the cluster or user.
 */
function readTlsFile(path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${code === 'EISDIR' ? 'read' : 'open'} ${path}: ${errnoText(code)}`);
  }
}
