import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { AddressError } from '../errors.ts';

/**
 * Where the API server is, and how to speak to it. kubectl knows only
 * http(s) URLs (client-go rest.DefaultServerURL); the unix and tcp forms
 * follow the "Socket Support for Kubectl" KEP and docker's -H conventions.
 */
export type ServerAddress = UnixAddress | NetAddress;

export interface UnixAddress {
  transport: 'unix';
  socketPath: string;
  /** https+unix: TLS over the socket (an `ssh -L sock:apiserver:6443` forward). */
  tls: boolean;
  /** What the user wrote, normalised: unix:///path or https+unix:///path ('%' written %25, so it parses back to the same path). */
  display: string;
  /** What the user wrote, as written (for messages about how it was read). */
  written: string;
}

export interface NetAddress {
  transport: 'tcp';
  /** http://host:port/prefix or https://…; tcp:// becomes http://. Its host is WHATWG's reading (or a stand-in): connect to `host`. */
  url: URL;
  /** The host as kubectl (Go's url.Parse) reads it: a name as written (0xa, 127.1), an IP literal as URL writes it. */
  host: string;
  /** host[:port] as the URL names them (kubectl's cache folder and Host). */
  authority: string;
  /** The URL's path prefix without a trailing slash ('' for none), put before every API path. */
  basePath: string;
  tls: boolean;
  /** host:port as kubectl names the server in "The connection to the server … was refused". */
  hostPort: string;
  /** The user wrote tcp://: plain HTTP by intent, Host: localhost as a socket would send. */
  plainSocket: boolean;
  display: string;
}

/** kubectl proxy's default port, used when a tcp:// address has none. */
export const DEFAULT_TCP_PORT = 8001;

/** The host name verified on https+unix when the kubeconfig sets no tls-server-name (in every kubeadm serving certificate). */
export const DEFAULT_UNIX_TLS_SERVER_NAME = 'kubernetes';

export const ACCEPTED_FORMS =
  'unix:///path/to.sock, unix:/path/to.sock, /path/to.sock, ~/path/to.sock, https+unix:///path/to.sock, tcp://host[:port], http://host[:port], https://host[:port], host:port';

export interface ResolveOptions {
  /** The folder relative socket paths resolve against: the kubeconfig's folder, or the working folder for a flag. */
  baseDir: string;
  home: string;
  /** client-go's defaultTLS: a CA, client certificate, insecure or server name is configured. */
  defaultTLS: boolean;
}

/** Parses a --server value or a kubeconfig cluster.server into an address. */
export function resolveServerAddress(server: string, opts: ResolveOptions): ServerAddress {
  if (server === '') throw new AddressError('host must be a URL or a host:port pair');
  const lower = server.toLowerCase();
  if (lower.startsWith('unix:') || lower.startsWith('http+unix:')) {
    return unixAddress(urlPath(server.slice(server.indexOf(':') + 1), server), false, opts, server);
  }
  if (lower.startsWith('https+unix:')) return unixAddress(urlPath(server.slice('https+unix:'.length), server), true, opts, server);
  // A bare path is a file name, not a URL: '%' in it is literal.
  if (isBarePath(server)) return unixAddress(server, false, opts, server);
  if (lower.startsWith('tcp://')) return tcpAddress(server);
  return httpAddress(server, opts.defaultTLS);
}

/** Whether an address carries no TLS, so credentials must not be sent (client-go IsConfigTransportTLS). */
export function isPlaintext(address: ServerAddress): boolean {
  return !address.tls;
}

function isBarePath(server: string): boolean {
  return server.startsWith('/') || server.startsWith('~/') || server.startsWith('./') || server.startsWith('../');
}

/** The socket path of a unix URL's rest: unix:///abs, unix:/abs and unix:rel all name a path; "//" only introduces an empty authority. */
function urlPath(rest: string, original: string): string {
  try {
    return decodeURIComponent(rest.startsWith('//') ? rest.slice(2) : rest);
  } catch {
    throw invalidServer(original);
  }
}

function unixAddress(path: string, tls: boolean, opts: ResolveOptions, original: string): UnixAddress {
  if (path === '' || path.includes('\0')) throw invalidServer(original);
  if (path === '~' || path.startsWith('~/')) path = join(opts.home, path.slice(1));
  else if (!isAbsolute(path)) path = resolve(opts.baseDir, path);
  const display = `${tls ? 'https+unix' : 'unix'}://${path.replaceAll('%', '%25')}`;
  return { transport: 'unix', socketPath: path, tls, display, written: original };
}

function tcpAddress(server: string): NetAddress {
  const parsed = parseGoURL(`http://${server.slice('tcp://'.length)}`);
  if (!parsed) throw invalidServer(server);
  const { url, host } = parsed;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw invalidServer(server);
  if (url.username !== '' || url.password !== '') {
    // Never dropped silently, never echoed: the password is masked as Go's URL.Redacted masks it.
    const hostPort = url.port ? `${host}:${url.port}` : host;
    const shown = `tcp://${url.username}${url.password !== '' ? ':xxxxx' : ''}@${hostPort}`;
    throw new AddressError(`unsupported server address ${JSON.stringify(shown)}: a tcp:// address takes no user name or password (kubectl sock never sends credentials over plain HTTP); write tcp://${hostPort}`);
  }
  if (url.port === '') url.port = String(DEFAULT_TCP_PORT);
  return netAddress(url, host, false, true, `tcp://${host}:${url.port}`);
}

/** client-go rest.DefaultServerURL: a URL with scheme and host, else host[:port] with a default scheme. */
function httpAddress(server: string, defaultTLS: boolean): NetAddress {
  let parsed = parseGoURL(server);
  if (!parsed) {
    parsed = parseGoURL(`${defaultTLS ? 'https' : 'http'}://${server}`);
    if (!parsed) throw invalidServer(server);
    if (parsed.url.pathname !== '' && parsed.url.pathname !== '/') {
      throw new AddressError(`host must be a URL or a host:port pair: ${JSON.stringify(server)}`);
    }
  }
  const { url, host } = parsed;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidServer(server);
  return netAddress(url, host, url.protocol === 'https:', false, hrefWithHost(url, host).replace(/\/$/, ''));
}

/** What stands in for a host name in the WHATWG URL when WHATWG would not keep the name (see parseGoURL). */
const NAME_PLACEHOLDER = 'go-host.invalid';

/**
 * A URL with both a scheme and a host, as Go's url.Parse would accept, and
 * the host as Go keeps it; undefined otherwise. Go keeps a host name as
 * written. WHATWG URL (Node's) lower-cases it, reads a name that ends in a
 * label of digits or 0x-hex as IPv4 shorthand (0xa is 0.0.0.10, 127.1 is
 * 127.0.0.1) or refuses it (0a.0); Go's net.ParseIP takes dotted decimal
 * only, so to kubectl those are names, looked up as names (go-lookup.ts).
 * Such a name is then kept beside a URL parsed with a placeholder host, and
 * everything that connects or names the server uses `host`.
 */
function parseGoURL(text: string): { url: URL; host: string } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(text);
  if (!m || m[2] === '') return undefined;
  const [, scheme, authority = '', rest] = m;
  const userinfo = authority.slice(0, authority.lastIndexOf('@') + 1);
  const hostPort = authority.slice(userinfo.length);
  const name = hostPort.replace(/:\d*$/, '');
  const plainName = /^[A-Za-z0-9._-]+$/.test(name) && isIP(name) === 0;
  const url = parseURL(text);
  if (url && url.host !== '' && (!plainName || url.hostname === name.toLowerCase())) return { url, host: plainName ? name : url.hostname };
  if (!plainName) return undefined;
  const standIn = parseURL(`${scheme}${userinfo}${NAME_PLACEHOLDER}${hostPort.slice(name.length)}${rest}`);
  return standIn ? { url: standIn, host: name } : undefined;
}

function parseURL(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** url.href with Go's host in it. */
function hrefWithHost(url: URL, host: string): string {
  if (host === url.hostname) return url.href;
  const userinfo = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${userinfo}${host}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}${url.hash}`;
}

function netAddress(url: URL, host: string, tls: boolean, plainSocket: boolean, display: string): NetAddress {
  const port = url.port || (tls ? '443' : '80');
  const hostPort = `${host}:${port}`;
  const authority = url.port ? hostPort : host;
  const basePath = url.pathname.replace(/\/+$/, '');
  return { transport: 'tcp', url, host, authority, basePath, tls, hostPort, plainSocket, display };
}

function invalidServer(server: string): AddressError {
  // A password in what was typed is masked, as Go's URL.Redacted masks it.
  const shown = server.replace(/^([a-z+]+:\/\/[^/@:]*:)[^/@]*@/i, '$1xxxxx@');
  return new AddressError(`unsupported server address ${JSON.stringify(shown)}: use one of ${ACCEPTED_FORMS}`);
}
