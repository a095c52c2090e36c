/**
 * Host name resolution as kubectl does it (a pure-Go binary: net.Dialer and
 * Go's own resolver). Go's net.ParseIP reads only dotted-decimal IPv4, so
 * 0xa, 0x7f.1, 127.1 and 2130706433 are names to Go; glibc's getaddrinfo
 * (behind Node's dns.lookup) and WHATWG URL read them as IPv4 shorthand
 * (0xa is 0.0.0.10). A name that is all digits and dots is no domain name to
 * Go (isDomainName: a top-level label cannot be numeric), so it fails at
 * once; a name with a letter goes to /etc/hosts, then DNS.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Go's net.isDomainName (dnsclient.go): RFC 1035 labels, and not all-numeric. */
export function isGoDomainName(s: string): boolean {
  if (s === '.') return true;
  const l = s.length;
  if (l === 0 || l > 254 || (l === 254 && s[l - 1] !== '.')) return false;
  let last = '.';
  let nonNumeric = false;
  let partlen = 0;
  for (const c of s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_') {
      nonNumeric = true;
      partlen++;
    } else if (c >= '0' && c <= '9') partlen++;
    else if (c === '-') {
      if (last === '.') return false;
      partlen++;
      nonNumeric = true;
    } else if (c === '.') {
      if (last === '.' || last === '-' || partlen > 63 || partlen === 0) return false;
      partlen = 0;
    } else return false;
    last = c;
  }
  return last !== '-' && partlen <= 63 && nonNumeric;
}

/**
 * net.connect's `lookup` for a server address: /etc/hosts, then (for a
 * domain name) DNS, never the name read as a number; a name that is no
 * domain name to Go and not in /etc/hosts is "no such host" at once.
 * (The resolver's code and node:dns are loaded only when a name is looked up.)
 */
export function goLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  import('./go-resolve.ts').then(
    (m) => m.resolveAsGo(hostname, options, callback),
    (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : ''),
  );
}
