import { isIP } from 'node:net';
import { ConfigError } from '../errors.ts';
import type { ServerAddress } from './address.ts';

/**
 * The HTTP(S) proxy for a TCP server: the cluster's proxy-url, else Go's
 * ProxyFromEnvironment (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, never for loopback).
 * Socket addresses are local by definition and never proxied.
 */
export function proxyFor(
  address: ServerAddress,
  proxyUrl: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (address.transport !== 'tcp') return undefined;
  if (proxyUrl) return checkProxyUrl(proxyUrl);
  const host = address.host.replace(/^\[|\]$/g, '');
  if (isLoopback(host) || noProxyMatches(host, env['NO_PROXY'] ?? env['no_proxy'] ?? '')) return undefined;
  const fromEnv = address.tls ? (env['HTTPS_PROXY'] ?? env['https_proxy']) : (env['HTTP_PROXY'] ?? env['http_proxy']);
  return fromEnv ? checkProxyUrl(fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`) : undefined;
}

function checkProxyUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`invalid proxy URL ${JSON.stringify(raw)}`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'socks5') {
    throw new ConfigError(`unsupported scheme ${JSON.stringify(scheme)}, must be http, https, or socks5`);
  }
  return raw;
}

/** httpproxy's useProxy: localhost, or a loopback IP as net.ParseIP reads one (127.1 is a name to Go). */
function isLoopback(host: string): boolean {
  const family = isIP(host);
  return host === 'localhost' || (family === 4 && host.startsWith('127.')) || (family === 6 && host === '::1');
}

/** Go's NO_PROXY: comma-separated hosts or domain suffixes; `*` disables proxying. */
function noProxyMatches(host: string, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (entry === '') continue;
    if (entry === '*') return true;
    const bare = entry.startsWith('.') ? entry.slice(1) : entry;
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}
