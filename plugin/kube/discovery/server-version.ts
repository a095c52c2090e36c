import { ApiError, ConnectError, JsonSyntaxError, SockError } from '../../errors.ts';
import { goQuote } from '../printers/go-value.ts';
import type { KubeClient } from '../rest/client.ts';
import { kubectlUrl } from '../rest/request-url.ts';
import type { ServerAddress } from '../../transport/address.ts';

/** apimachinery's version.Info fields, in struct order (as JSON keys). */
export const VERSION_INFO_FIELDS = [
  'major', 'minor', 'emulationMajor', 'emulationMinor', 'minCompatibilityMajor', 'minCompatibilityMinor',
  'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform',
] as const;

/**
 * GET /version as client-go's discovery ServerVersion does: `?timeout=32s`,
 * and an error answer read raw (Result.Raw), so a 401 is "the server has asked
 * for the client to provide credentials" whatever Status the server sent.
 */
export function fetchVersionInfo(client: KubeClient): Promise<Record<string, unknown>> {
  return client.json<Record<string, unknown>>({ path: '/version', query: { timeout: '32s' }, rawErrors: true })
    // ServerVersion unmarshals the body itself (json.Unmarshal into version.Info).
    .catch((err: unknown) => Promise.reject(JsonSyntaxError.reworded(err, (syntax) => `unable to parse the server version: ${syntax}`)));
}

/**
 * --match-server-version (kubectl's MatchVersionFlags, client-go
 * discovery.MatchesServerVersion): the server's gitVersion, gitCommit and
 * gitTreeState must equal the client's. kubectl-sock's client version is its
 * own, so against a Kubernetes server the check refuses, as kubectl's would
 * for any kubectl of another build.
 */
export async function matchServerVersion(client: KubeClient, clientInfo: Readonly<Record<string, string>>): Promise<void> {
  let server: Record<string, unknown>;
  try {
    server = await fetchVersionInfo(client);
  } catch (err) {
    throw new SockError('E_VERSION', `couldn't read version from server: ${goErrorText(err, client.config.address, '/version?timeout=32s')}`);
  }
  const same = (k: string) => String(server[k] ?? '') === (clientInfo[k] ?? '');
  if (same('gitVersion') && same('gitCommit') && same('gitTreeState')) return;
  throw new SockError('E_VERSION', `server version (&${goVersionInfo(server)}) differs from client version (${goVersionInfo(clientInfo)})`);
}

/** A version.Info as Go's %#v prints it. */
export function goVersionInfo(info: Readonly<Record<string, unknown>>): string {
  const fields = VERSION_INFO_FIELDS.map((k) => `${k[0]?.toUpperCase()}${k.slice(1)}:${goQuote(String(info[k] ?? ''))}`);
  return `version.Info{${fields.join(', ')}}`;
}

/**
 * The text of an error as Go's error value says it inside another message: a
 * failed request is a *url.Error (`Get "URL": cause`), a server's answer its
 * status message, anything else its message.
 */
export function goErrorText(err: unknown, address: ServerAddress, path: string): string {
  if (err instanceof ConnectError) return `Get ${goQuote(kubectlUrl(address, path))}: ${err.detail}`;
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
