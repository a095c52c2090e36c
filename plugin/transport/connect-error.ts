import { statSync } from 'node:fs';
import { ConnectError } from '../errors.ts';
import type { ServerAddress } from './address.ts';
import { socketPathTooLong } from './sun-path.ts';

/** Node/undici codes of TLS verification failures, in Go's x509 wording. */
const x509Messages: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
};

/**
 * Turns a failed connection into kubectl's *url.Error wording (Go's net
 * errors: "dial unix /x.sock: connect: no such file or directory"), adding
 * what a socket user should do about it.
 */
export function toConnectError(err: unknown, address: ServerAddress): ConnectError | undefined {
  const e = err as NodeJS.ErrnoException & { reason?: string; host?: string; cert?: { subjectaltname?: string } };
  const code = e?.code ?? '';
  const server = address.transport === 'unix' ? address.display : address.hostPort;
  const dial = address.transport === 'unix' ? `dial unix ${address.socketPath}` : `dial tcp ${address.hostPort}`;
  if (address.transport === 'unix') {
    const path = address.socketPath;
    const tooLong = socketPathTooLong(path);
    if (tooLong && (code === 'EINVAL' || code === 'ENAMETOOLONG')) {
      return new ConnectError('socket-missing', server, `${dial}: connect: invalid argument`, tooLong);
    }
    if (code === 'ENOENT') {
      return new ConnectError('socket-missing', server, `${dial}: connect: no such file or directory`,
        hostAsFolder(address) ?? `is the proxy running? start one with: kubectl proxy --unix-socket=${path}`);
    }
    if (code === 'ECONNREFUSED' && !isSocket(path)) {
      return new ConnectError('socket-missing', server, `${dial}: connect: connection refused`, `${path} is not a socket`);
    }
    if (code === 'ECONNREFUSED') {
      return new ConnectError('socket-stale', server, `${dial}: connect: connection refused`,
        `nothing is listening on ${path}: the socket file is stale; restart the proxy that serves it`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new ConnectError('socket-denied', server, `${dial}: connect: permission denied`,
        `the socket's file permissions do not admit you; ask its owner for access`);
    }
    if (code === 'ENOTSOCK' || code === 'ENOTDIR' || code === 'EINVAL') {
      return new ConnectError('socket-missing', server, `${dial}: connect: ${errnoText(code)}`, `${path} is not a socket`);
    }
  }
  if (code === 'ECONNREFUSED') return new ConnectError('refused', server, `${dial}: connect: connection refused`);
  // A proxy's failure, in Go's words already; kubectl calls any "connection refused" a refused connection to the server.
  if (code === 'E_PROXY') return new ConnectError(/connection refused/.test(e.message) ? 'refused' : 'other', server, e.message);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    // Go's DNSError: the name as written, and the nameserver when DNS was asked (go-resolve.ts).
    const host = address.transport === 'tcp' ? address.host : '';
    const { dnsServer, dnsReason } = e as { dnsServer?: string; dnsReason?: string };
    return new ConnectError('other', server, `dial tcp: lookup ${host}${dnsServer ? ` on ${dnsServer}` : ''}: ${dnsReason ?? 'no such host'}`);
  }
  // A credential with a control character (an exec plugin's token with a newline): Go's transport refuses the header.
  const badHeader = code === 'UND_ERR_INVALID_ARG' ? /^invalid (\S+) header$/.exec(e.message) : null;
  if (badHeader) return new ConnectError('other', server, `net/http: invalid header field value for "${canonicalHeader(badHeader[1] as string)}"`);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new ConnectError('timeout', server, `${dial}: i/o timeout`);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new ConnectError('timeout', server, 'net/http: request canceled (Client.Timeout exceeded while awaiting headers)');
  }
  // undici's llhttp errors do not always carry an HPE_ code; their name is stable.
  if (code.startsWith('HPE_') || e?.name === 'HTTPParserError') {
    return new ConnectError('not-http', server, `net/http: HTTP/1.x transport connection broken: malformed HTTP response`,
      `the peer at ${server} does not speak HTTP; is this the API server or a proxy's socket?`);
  }
  if (x509Messages[code]) return new ConnectError('tls', server, `tls: failed to verify certificate: ${x509Messages[code]}`);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ConnectError('tls', server, `tls: failed to verify certificate: ${hostnameError(e.cert, e.host ?? '')}`);
  }
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new ConnectError('other', server, 'EOF',
      address.transport === 'unix' ? `the peer at ${server} closed the connection before answering` : undefined);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(e?.message ?? '')) {
    return new ConnectError('tls', server, 'tls: first record does not look like a TLS handshake');
  }
  return undefined;
}

/**
 * unix://NAME/path reads NAME as the first folder of a relative path, as docker
 * reads it: say so, and how to write the absolute path that was likely meant.
 */
function hostAsFolder(address: ServerAddress & { transport: 'unix' }): string | undefined {
  const m = /^((?:https\+|http\+)?unix):\/\/([^/]+)(\/.*)$/i.exec(address.written);
  if (!m) return undefined;
  return `${address.written} names the relative path ./${m[2]}${m[3]}, as docker reads it; for the absolute path ${m[3]}, write ${m[1]}://${m[3]}`;
}

/**
 * Go's x509.HostnameError: an IP is checked against the IP SANs only, a name
 * against the DNS SANs only; each list as Go prints it (IPv6 compressed).
 */
function hostnameError(cert: { subjectaltname?: string; subject?: { CN?: string } } | undefined, host: string): string {
  const sans = (cert?.subjectaltname ?? '').split(', ').filter((s) => s !== '');
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  if (sans.length === 0 && cert?.subject?.CN !== undefined && cert.subject.CN.toLowerCase() === host.toLowerCase()) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  const valid = isIp
    ? sans.filter((s) => s.startsWith('IP Address:')).map((s) => goIp(s.slice('IP Address:'.length)))
    : sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice('DNS:'.length));
  if (isIp && valid.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
  if (valid.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid.join(', ')}, not ${host}`;
}

/** An IP as Go's net.IP.String prints it: IPv6 in its shortest form (RFC 5952). */
function goIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const groups = ip.split(':').map((g) => parseInt(g, 16).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return true;
  }
}

function errnoText(code: string): string {
  if (code === 'ENOTSOCK') return 'socket operation on non-socket';
  if (code === 'ENOTDIR') return 'not a directory';
  return 'invalid argument';
}

/** Go's CanonicalMIMEHeaderKey for the plain names undici reports. */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
