import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.ts';
import type { TlsConfig } from '../kube/client-config.ts';
import { DEFAULT_UNIX_TLS_SERVER_NAME, type NetAddress, type ServerAddress } from './address.ts';
import { proxyFor } from './proxy-env.ts';
import { errnoText } from '../kube/kubeconfig-validate.ts';
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
  const socketPath = address.transport === 'unix' ? address.socketPath : undefined;
  const connect = opts.onDial ? await traced(tlsOptions, socketPath, address, opts.onDial) : tlsOptions;
  if (address.transport === 'unix') {
    // kubectl proxy's --accept-hosts admits "localhost" only; the Host header follows the origin.
    const host = address.tls ? opts.tls.serverName || DEFAULT_UNIX_TLS_SERVER_NAME : 'localhost';
    const origin = `${address.tls ? 'https' : 'http'}://${host}`;
    const client = new Client(origin, { socketPath, connect, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
    return { dispatcher: client, origin, basePath: '', close: () => client.destroy() };
  }
  const origin = address.url.origin;
  const { basePath } = address;
  const proxy = proxyFor(address, opts.proxyUrl, opts.env);
  if (proxy) return proxiedTransport(Client, new URL(proxy), address, tlsOptions);
  const client = new Client(origin, { connect, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  return { dispatcher: client, origin, basePath, close: () => client.destroy() };
}

type ClientClass = typeof import('undici/lib/dispatcher/client.js').default;

/** The connector undici's Client would build from these options, timed for -v=9 (dial-trace.ts). */
async function traced(tls: Record<string, unknown> | undefined, socketPath: string | undefined, address: ServerAddress, onDial: (t: DialTrace) => void) {
  const [{ default: buildConnector }, { tracedConnector }, { toConnectError }] = await Promise.all([
    import('undici/lib/core/connect.js'), import('./dial-trace.ts'), import('./connect-error.ts'),
  ]);
  const inner = buildConnector({ ...tls, socketPath } as Parameters<typeof buildConnector>[0]) as unknown as Parameters<typeof tracedConnector>[0];
  const describe = (err: Error) => toConnectError(err, address)?.detail ?? err.message;
  return tracedConnector(inner, socketPath, describe, onDial) as unknown as Record<string, unknown>;
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
  const target = { hostname: address.url.hostname, port: address.url.port || (address.tls ? '443' : '80') };
  const tunnel = new Client(origin, { connect: tunnelConnector(proxy, target, tls), pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  if (address.tls || proxy.protocol === 'socks5:') return { dispatcher: tunnel, origin, basePath, close: () => tunnel.destroy() };
  const direct = new Client(proxy.origin, { connect: proxy.protocol === 'https:' ? tls : undefined, pipelining: 1, maxHeaderSize: MAX_HEADER_SIZE });
  const extra: Record<string, string> = { host: address.url.host };
  const auth = proxyAuthorization(proxy);
  if (auth) extra['proxy-authorization'] = auth;
  const forward = {
    dispatch(o: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      if (o.upgrade) return tunnel.dispatch(o, handler);
      return direct.dispatch({ ...o, path: `${origin}${o.path}`, headers: withHeaders(o.headers, extra) }, handler);
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
async function checkedTlsOptions(opts: TransportOptions): Promise<Record<string, unknown>> {
  const connect = tlsConnectOptions(opts);
  if (connect['ca']) (await import('./root-certificates.ts')).checkRootCertificates(connect['ca'] as Buffer);
  return connect;
}

/** Checks the TLS configuration of an address as building a client does (kubectl version does so before printing). */
export async function checkTlsConfig(address: ServerAddress, tls: TlsConfig): Promise<void> {
  if (address.tls) await checkedTlsOptions({ address, tls, env: {} });
}

/** The TLS options client-go's transport.TLSConfigFor would build. */
function tlsConnectOptions(opts: TransportOptions): Record<string, unknown> {
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
