import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { INFO_FILE } from './relay-file-names.ts';

export { CONTROL_SOCKET, INFO_FILE, LOG_FILE, PORT_FILE, START_LOCK } from './relay-file-names.ts';
const KUBECONFIG_PREFIX = 'kubeconfig-';

/** What `relay list` shows of a relay, and what its clients check. Nothing secret: the token stays in the kubeconfigs. */
export interface RelayInfo {
  name: string;
  pid: number;
  /** 127.0.0.1:PORT */
  address: string;
  /** The upstream, as kubectl-sock names it in messages. */
  server: string;
  /** The upstream's discovery cache folder name (discoveryCacheKey): kubectl's folder for the relay links there. */
  discovery?: string;
  /** The context of the run that started it. */
  context: string;
  /** Started by `env`: lives until stopped. Otherwise it ends after idleMs with no client. */
  persist: boolean;
  idleMs: number;
  started: string;
  /** When its certificate expires (ms since the epoch). */
  notAfter: number;
  /** The kubectl-sock build that runs it. */
  build: string;
  /** Client connections open now (filled in by the relay when asked). */
  connections?: number;
}

/** Writes a 0600 file whole or not at all: aside, then renamed over the old one. */
export function writePrivateFile(path: string, text: string): void {
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(aside, text, { mode: 0o600, flag: 'wx' });
    renameSync(aside, path);
  } finally {
    rmSync(aside, { force: true });
  }
}

export function readInfo(dir: string): RelayInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as RelayInfo;
  } catch {
    return undefined;
  }
}

/** What a relay kubeconfig points kubectl at. */
export interface RelayEndpoint {
  url: string;
  /** The relay's certificate, PEM: kubectl verifies the relay with it. */
  caPem: string;
  token: string;
}

/**
 * The kubeconfig of one context and namespace through a relay: one file per
 * pair, so `env` can export a path that stays valid while the relay lives
 * and across its restarts (a new relay rewrites every file with its own
 * address, certificate and token). It holds none of the context's own credentials.
 */
export function kubeconfigPath(dir: string, context: string, namespace: string): string {
  const id = createHash('sha256').update(`${context}\0${namespace}`).digest('hex').slice(0, 12);
  return join(dir, `${KUBECONFIG_PREFIX}${id}`);
}

export function writeRelayKubeconfig(path: string, relay: RelayEndpoint, context: string, namespace: string): void {
  const name = context || 'kubectl-sock';
  // JSON is YAML: every string is quoted safely, and kubectl, helm and client libraries all read it.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: relay.url, 'certificate-authority-data': Buffer.from(relay.caPem).toString('base64') } }],
    users: [{ name, user: { token: relay.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace } }],
    'current-context': name,
  };
  writePrivateFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** Points every kubeconfig a former relay left in `dir` at this one (an exported KUBECONFIG keeps working). */
export function renewKubeconfigs(dir: string, relay: RelayEndpoint): void {
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(KUBECONFIG_PREFIX) || file.endsWith('.tmp')) continue;
    const path = join(dir, file);
    try {
      const old = JSON.parse(readFileSync(path, 'utf8')) as { 'current-context': string; contexts: Array<{ context: { namespace: string } }> };
      writeRelayKubeconfig(path, relay, old['current-context'], old.contexts[0]?.context.namespace ?? 'default');
    } catch {
      rmSync(path, { force: true });
    }
  }
}
