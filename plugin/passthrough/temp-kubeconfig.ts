import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A kubeconfig that exists only while one kubectl runs. */
export interface TempKubeconfig {
  path: string;
  /** Removes the file and its folder; safe to call more than once. */
  remove(): void;
}

export interface RelayKubeconfigInput {
  relayUrl: string;
  /** The relay's one-run certificate, base64 (kubectl verifies the relay with it). */
  caData: string;
  token: string;
  contextName: string;
  namespace: string;
}

/**
 * Writes the kubeconfig that points real kubectl at the relay: in a fresh
 * folder that mkdtemp creates 0700, as a 0600 file created exclusively ('wx'),
 * so no other user can read the token and nothing existing is overwritten.
 */
export function writeRelayKubeconfig(tmpDir: string, input: RelayKubeconfigInput): TempKubeconfig {
  const dir = mkdtempSync(join(tmpDir, 'kubectl-sock-'));
  const path = join(dir, 'kubeconfig');
  const name = input.contextName || 'kubectl-sock';
  // JSON is YAML: no YAML library needed on this path, and every string is quoted safely.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.relayUrl, 'certificate-authority-data': input.caData } }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: input.namespace } }],
    'current-context': name,
  };
  try {
    writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
