import type { ServerAddress } from '../transport/address.ts';

/**
 * A request's URL as client-go names it in errors (`Get "https://host:6443/api?timeout=32s": …`):
 * scheme, host and the server URL's path prefix, then the path. A socket is named by its address.
 */
export function kubectlUrl(address: ServerAddress, path: string): string {
  if (address.transport === 'unix') return `${address.display}${path}`;
  return `${address.url.protocol}//${address.authority}${address.basePath}${path}`;
}
