import type { ServerAddress } from '../../transport/address.ts';

/**
 * A request's URL as client-go names it in errors (`Get "https://host:6443/api?timeout=32s": …`):
 * scheme, host and the server URL's path prefix, then the path. A socket is named by its address.
 */
export function kubectlUrl(address: ServerAddress, path: string): string {
  if (address.transport === 'unix') return `${address.display}${path}`;
  return `${address.url.protocol}//${address.authority}${address.basePath}${path}`;
}

/**
 * Go's url.Values.Encode, as client-go writes every query: keys sorted, each
 * key and value QueryEscaped (space as '+'; only letters, digits and -_.~ left
 * as they are). Undefined values are left out.
 */
export function encodeQuery(query: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(query)
    .filter((k) => query[k] !== undefined)
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(query[k] as string)}`)
    .join('&');
}

function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
