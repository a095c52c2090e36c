// The name lookups of go-lookup.ts: Go's order (/etc/hosts, then DNS) for
// names getaddrinfo would misread, getaddrinfo for the rest, and failures
// carrying what Go's DNSError prints.
import { getServers, lookup, promises, type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isGoDomainName, type LookupCallback } from './go-lookup.ts';

/** What inet_aton (and so getaddrinfo) takes for an IPv4 address: 1 to 4 decimal, octal or 0x-hex parts. */
const IPV4_SHORTHAND = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$/i;

/** A lookup failure as Go words it: "no such host", naming the DNS server when one was asked. */
export interface GoLookupError extends NodeJS.ErrnoException {
  /** host:port of the nameserver ("10.0.0.53:53"), when DNS was asked. */
  dnsServer?: string;
  /** Go's words for what DNS said, when it was not "no such host". */
  dnsReason?: string;
}

/** c-ares failures in Go's words (net/dnsclient_unix.go). */
const DNS_REASONS: Record<string, string> = { ESERVFAIL: 'server misbehaving', EREFUSED: 'server misbehaving', ETIMEOUT: 'i/o timeout' };

export function resolveAsGo(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (!IPV4_SHORTHAND.test(hostname) && isGoDomainName(hostname)) {
    // getaddrinfo reads /etc/hosts and asks DNS as Go's resolver does.
    lookup(hostname, { ...options, all: true }, (err, addresses) => answer(callback, options, hostname, err ? withServer(err, hostname) : null, addresses ?? []));
    return;
  }
  const fromHosts = hostsFileAddresses(hostname);
  if (fromHosts.length > 0 || !isGoDomainName(hostname)) return answer(callback, options, hostname, null, fromHosts);
  askDns(hostname).then(
    (addresses) => answer(callback, options, hostname, null, addresses),
    (err: NodeJS.ErrnoException) => answer(callback, options, hostname, withServer(err, hostname), []),
  );
}

function answer(callback: LookupCallback, options: LookupOptions, hostname: string, err: NodeJS.ErrnoException | null, addresses: LookupAddress[]): void {
  const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
  const first = wanted[0];
  if (err || !first) return callback(err ?? notFound(hostname), options.all ? [] : '');
  if (options.all) callback(null, wanted);
  else callback(null, first.address, first.family);
}

function notFound(hostname: string): GoLookupError {
  const asked = isGoDomainName(hostname) && !hostsFileAddresses(hostname).length;
  return withServer(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), asked ? hostname : '');
}

/** Records the nameserver Go would name for a failed domain-name lookup. */
function withServer(err: NodeJS.ErrnoException, hostname: string): GoLookupError {
  if (!isGoDomainName(hostname)) return err;
  const server = getServers()[0];
  if (server === undefined) return err;
  const family = isIP(server);
  return Object.assign(err, { dnsServer: family === 4 ? `${server}:53` : family === 6 ? `[${server}]:53` : server });
}

/** DNS A and AAAA records of the name itself. */
async function askDns(hostname: string): Promise<LookupAddress[]> {
  const resolver = new promises.Resolver();
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const found = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (found.length > 0) return found;
  const code = v4.status === 'rejected' ? (v4.reason as NodeJS.ErrnoException).code ?? '' : '';
  throw Object.assign(new Error(`queryA ${code || 'ENOTFOUND'} ${hostname}`), { code: 'ENOTFOUND', hostname, dnsReason: DNS_REASONS[code] });
}

/** Go's hosts.go: names compared without case, a trailing dot ignored. */
function hostsFileAddresses(hostname: string): LookupAddress[] {
  let text: string;
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return [];
  }
  const wanted = hostname.toLowerCase().replace(/\.$/, '');
  const out: LookupAddress[] = [];
  for (const line of text.split('\n')) {
    const [address = '', ...names] = (line.split('#')[0] ?? '').trim().split(/\s+/);
    const family = isIP(address.split('%')[0] ?? '');
    if (family && names.some((n) => n.toLowerCase().replace(/\.$/, '') === wanted)) out.push({ address, family });
  }
  return out;
}
