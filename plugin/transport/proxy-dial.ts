import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { userAgent } from '../version-info.ts';

/** The target a connection is for, as host:port. */
export interface DialTarget {
  hostname: string;
  port: string;
}

/** undici's `connect` option as a function: one connection to the origin, through the proxy. */
export type Connector = (opts: object, callback: (...args: [null, Socket | TLSSocket] | [Error, null]) => void) => void;

/**
 * A connection to `target` through the proxy, as Go's http.Transport makes it
 * for client-go's proxy-url: an http or https proxy is asked to CONNECT
 * (Proxy-Authorization from its user info), a socks5 proxy to CONNECT by name
 * (the proxy resolves it; username/password auth from its user info). TLS to
 * the server, when the server is https, runs inside the tunnel.
 */
export function tunnelConnector(proxy: URL, target: DialTarget, serverTls: ConnectionOptions | undefined): Connector {
  return (_opts, callback) => {
    dialProxy(proxy, serverTls)
      .then((sock) => (proxy.protocol === 'socks5:' ? socks5Connect(sock, proxy, target) : httpConnect(sock, proxy, target)))
      .then((sock): Promise<Socket | TLSSocket> | Socket => (serverTls ? startTls(sock, target, serverTls) : sock))
      .then((sock) => callback(null, sock), (err: Error) => callback(err, null));
  };
}

/** The value of Proxy-Authorization for a proxy URL with user info (Go's connectMethod.proxyAuth). */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(user).toString('base64')}`;
}

/** The proxy's own port when the URL names none (Go: http 80, https 443, socks5 1080). */
function proxyPort(proxy: URL): number {
  if (proxy.port) return Number(proxy.port);
  return proxy.protocol === 'https:' ? 443 : proxy.protocol === 'socks5:' ? 1080 : 80;
}

/** TCP to the proxy; TLS for an https proxy, verified with the cluster's TLS settings as Go's transport does. */
function dialProxy(proxy: URL, serverTls: ConnectionOptions | undefined): Promise<Socket> {
  const host = proxy.hostname.replace(/^\[|\]$/g, '');
  const port = proxyPort(proxy);
  return new Promise((resolve, reject) => {
    const sock = proxy.protocol === 'https:'
      ? tlsConnect({ ...serverTls, host, port, servername: isIP(host) ? undefined : host }, () => resolve(sock))
      : netConnect({ host, port, noDelay: true }, () => resolve(sock));
    // Go: "proxyconnect tcp: dial tcp 127.0.0.1:3128: connect: connection refused".
    sock.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'ENOTFOUND' ? `lookup ${host}: no such host` : err.message;
      reject(proxyError(`proxyconnect tcp: dial tcp ${proxy.host}: ${why}`));
    });
  });
}

/** HTTP CONNECT: any 2xx opens the tunnel; otherwise Go's error is the status text ("Forbidden"). */
function httpConnect(sock: Socket, proxy: URL, target: DialTarget): Promise<Socket> {
  const authority = `${target.hostname}:${target.port}`;
  const auth = proxyAuthorization(proxy);
  sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: ${userAgent()}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`);
  return readUntil(sock, (buf) => {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const status = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(buf.subarray(0, buf.indexOf('\r\n')).toString('latin1'));
    if (!status) throw proxyError('malformed HTTP response');
    if (status[1] !== '200') throw proxyError(status[2] || 'unknown status code');
    return end + 4;
  });
}

/** Go's x/net/internal/socks reply texts. */
const SOCKS_REPLIES: Record<number, string> = {
  1: 'general SOCKS server failure', 2: 'connection not allowed by ruleset', 3: 'network unreachable', 4: 'host unreachable',
  5: 'connection refused', 6: 'TTL expired', 7: 'command not supported', 8: 'address type not supported',
};

/** SOCKS5 (RFC 1928, 1929): greet, authenticate if the URL carries a user, CONNECT. */
async function socks5Connect(sock: Socket, proxy: URL, target: DialTarget): Promise<Socket> {
  const where = `socks connect tcp ${proxy.host}->${target.hostname}:${target.port}`;
  const user = proxy.username !== '' ? { name: Buffer.from(decodeURIComponent(proxy.username)), pass: Buffer.from(decodeURIComponent(proxy.password)) } : undefined;
  sock.write(Buffer.from(user ? [5, 2, 0, 2] : [5, 1, 0]));
  const method = await readBytes(sock, 2);
  if (method[0] !== 5) throw proxyError(`${where}: unexpected protocol version ${method[0]}`);
  if (method[1] === 2 && user) {
    sock.write(Buffer.concat([Buffer.from([1, user.name.length]), user.name, Buffer.from([user.pass.length]), user.pass]));
    const ok = await readBytes(sock, 2);
    if (ok[1] !== 0) throw proxyError(`${where}: username/password authentication failed`);
  } else if (method[1] !== 0) {
    throw proxyError(`${where}: no acceptable authentication methods`);
  }
  sock.write(Buffer.concat([Buffer.from([5, 1, 0]), socksAddress(target.hostname), Buffer.from([Number(target.port) >> 8, Number(target.port) & 0xff])]));
  const head = await readBytes(sock, 5);
  if (head[1] !== 0) throw proxyError(`${where}: unknown error ${SOCKS_REPLIES[head[1] as number] ?? `unknown code: ${head[1]}`}`);
  // The bound address: IPv4 4 bytes, IPv6 16, a name its length byte; then the port. head[4] is its first byte.
  const rest = head[3] === 1 ? 4 - 1 : head[3] === 4 ? 16 - 1 : (head[4] as number);
  await readBytes(sock, rest + 2);
  return sock;
}

/** A SOCKS5 address: IPv4, IPv6, or a name for the proxy to resolve (as Go's dialer sends a host name). */
function socksAddress(host: string): Buffer {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return Buffer.from([1, ...bare.split('.').map(Number)]);
  if (isIP(bare) === 6) return Buffer.concat([Buffer.from([4]), ipv6Bytes(bare)]);
  const name = Buffer.from(bare);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function ipv6Bytes(ip: string): Buffer {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** TLS to the API server inside the tunnel, checked against the server's name or IP. */
function startTls(sock: Socket, target: DialTarget, serverTls: ConnectionOptions): Promise<TLSSocket> {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const servername = serverTls.servername ?? (isIP(host) ? undefined : host);
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ ...serverTls, socket: sock, host, servername }, () => resolve(tls));
    tls.once('error', reject);
  });
}

function proxyError(message: string): Error {
  return Object.assign(new Error(message), { code: 'E_PROXY' });
}

/** Exactly `n` bytes (more that arrived are put back for the next reader). */
function readBytes(sock: Socket, n: number): Promise<Buffer> {
  return readUntil(sock, (buf) => (buf.length >= n ? n : undefined)).then(() => consumed.get(sock) as Buffer);
}

const consumed = new WeakMap<Socket, Buffer>();

/**
 * Reads until `done` says how many bytes make the answer; the rest is put back
 * on the socket. The answer is kept for readBytes.
 */
function readUntil(sock: Socket, done: (buf: Buffer) => number | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const cleanup = () => {
      sock.off('data', onData);
      sock.off('error', onError);
      sock.off('end', onEnd);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onEnd = () => onError(proxyError('unexpected EOF'));
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let n: number | undefined;
      try {
        n = done(buf);
      } catch (err) {
        return onError(err as Error);
      }
      if (n === undefined) return;
      cleanup();
      sock.pause();
      consumed.set(sock, buf.subarray(0, n));
      if (n < buf.length) sock.unshift(buf.subarray(n));
      resolve(sock);
    };
    sock.on('data', onData);
    sock.once('error', onError);
    sock.once('end', onEnd);
    // A previous read paused the socket (what it read past was put back): flow again.
    sock.resume();
  });
}
