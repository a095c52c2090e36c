import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { resolveServerAddress, type ServerAddress } from '../../transport/address.ts';
import { parseRequestTimeout } from '../../cli/duration.ts';
import type { AuthInfo, Cluster, ExecConfig, KubeFlags, MergedKubeconfig } from './kubeconfig-types.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { selectConfig } from './direct-client-config.ts';
import { errnoText, openProblem } from './kubeconfig-validate.ts';


/** TLS material for the connection to the server. Files are read lazily by the transport. */
export interface TlsConfig {
  insecure: boolean;
  serverName?: string;
  caFile?: string;
  caData?: Buffer;
  certFile?: string;
  certData?: Buffer;
  keyFile?: string;
  keyData?: Buffer;
}

/** Who the requests claim to be. Never used on a plaintext transport. */
export interface Credentials {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  /** The cluster entry, for provideClusterInfo. */
  execCluster?: Cluster;
}

export interface Impersonation {
  user?: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** Everything a request needs, resolved from kubeconfig and flags (client-go rest.Config). */
export interface RestConfig {
  address: ServerAddress;
  tls: TlsConfig;
  credentials: Credentials;
  impersonate: Impersonation;
  namespace: string;
  /** -n was given, or the context names a namespace: kubectl's "enforceNamespace"-adjacent bit. */
  namespaceExplicit: boolean;
  contextName: string;
  proxyUrl?: string;
  /** --request-timeout in ms; 0 means none. */
  timeoutMs: number;
  disableCompression: boolean;
  /** Credentials exist but were not attached because the transport is plaintext. */
  credentialsDropped: boolean;
}

export interface ClientConfigInputs {
  flags: KubeFlags;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd: string;
  /** The in-cluster service account folder (a seam for tests). */
  serviceAccountDir?: string;
  /**
   * The command asks for the namespace before building a client, as kubectl's
   * get, logs and describe do: configuration problems are then reported in
   * ConfirmUsable's words (see selectConfig).
   */
  namespaceFirst?: boolean;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads the kubeconfig files and resolves the client configuration, as kubectl's ToRESTConfig. */
export async function resolveClientConfig(inputs: ClientConfigInputs): Promise<RestConfig> {
  const { flags } = inputs;
  // kubectl validates --request-timeout before anything else (it is part of the overrides).
  const timeoutMs = flags.requestTimeout ? toConfigError(() => parseRequestTimeout(flags.requestTimeout as string)) : 0;
  const merged = await loadKubeconfig({ explicitPath: flags.kubeconfig, env: inputs.env, home: inputs.home, cwd: inputs.cwd });
  const inCluster = inClusterConfig(merged, inputs);
  if (inCluster) return { ...inCluster, timeoutMs };
  return selectFromKubeconfig(merged, inputs, timeoutMs);
}

function toConfigError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}

function selectFromKubeconfig(merged: MergedKubeconfig, inputs: ClientConfigInputs, timeoutMs: number): RestConfig {
  const { flags } = inputs;
  const { contextName, context, user, cluster } = selectConfig(merged, flags, inputs.env, Boolean(inputs.namespaceFirst));
  const tls = tlsFromCluster(cluster, user);
  const defaultTLS = Boolean(tls.caFile || tls.caData || tls.certFile || tls.certData || tls.insecure || tls.serverName);
  const address = toConfigError(() =>
    resolveServerAddress(cluster.server as string, { baseDir: inputs.cwd, home: inputs.home, defaultTLS }),
  );
  const namespace = context.namespace || 'default';
  const credentials = credentialsFrom(user, cluster);
  return finish({
    address,
    tls,
    credentials,
    impersonate: {
      user: user.as,
      uid: user['as-uid'],
      groups: user['as-groups'] ?? [],
      extra: user['as-user-extra'] ?? {},
    },
    namespace,
    namespaceExplicit: Boolean(context.namespace),
    contextName,
    proxyUrl: cluster['proxy-url'],
    timeoutMs,
    disableCompression: Boolean(flags.disableCompression || cluster['disable-compression']),
    credentialsDropped: false,
  });
}

/**
 * client-go only reads auth information "if we are secure" (IsConfigTransportTLS):
 * a plaintext transport — a unix socket, tcp://, http:// — never carries credentials.
 */
function finish(config: RestConfig): RestConfig {
  if (config.address.tls) {
    // ClientConfig reads a tokenFile as it builds the configuration (a missing one fails before any request).
    const c = config.credentials;
    if (c.tokenFile && !c.token) {
      try {
        readFileSync(c.tokenFile);
      } catch (err) {
        throw new ConfigError(openProblem(c.tokenFile) ?? `read ${c.tokenFile}: ${errnoText((err as NodeJS.ErrnoException).code)}`);
      }
    }
    return config;
  }
  const c = config.credentials;
  const had = Boolean(c.token || c.tokenFile || c.username || c.password || c.exec || config.tls.certFile || config.tls.certData);
  return {
    ...config,
    credentials: {},
    tls: { insecure: config.tls.insecure, serverName: config.tls.serverName, caFile: config.tls.caFile, caData: config.tls.caData },
    credentialsDropped: had,
  };
}

function tlsFromCluster(cluster: Cluster, user: AuthInfo): TlsConfig {
  return {
    insecure: Boolean(cluster['insecure-skip-tls-verify']),
    serverName: cluster['tls-server-name'] || undefined,
    caFile: cluster['certificate-authority'] || undefined,
    caData: decodeData(cluster['certificate-authority-data']),
    certFile: user['client-certificate'] || undefined,
    certData: decodeData(user['client-certificate-data']),
    keyFile: user['client-key'] || undefined,
    keyData: decodeData(user['client-key-data']),
  };
}

function credentialsFrom(user: AuthInfo, cluster: Cluster): Credentials {
  return {
    token: user.token || undefined,
    tokenFile: user.tokenFile || undefined,
    username: user.username || undefined,
    password: user.password || undefined,
    exec: user.exec,
    execCluster: user.exec?.provideClusterInfo ? cluster : undefined,
  };
}

function decodeData(b64: string | undefined): Buffer | undefined {
  return b64 ? Buffer.from(b64, 'base64') : undefined;
}

/**
 * rest.InClusterConfig, used only when no kubeconfig configures anything and
 * the pod's service account is mounted (client-go DeferredLoadingClientConfig).
 */
function inClusterConfig(merged: MergedKubeconfig, inputs: ClientConfigInputs): Omit<RestConfig, 'timeoutMs'> | undefined {
  const { env, flags } = inputs;
  const configured = merged.clusters.size + merged.users.size + merged.contexts.size > 0 || merged.currentContext !== '';
  const overridden = Boolean(flags.server || flags.context || flags.cluster || flags.user || flags.token);
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const dir = inputs.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (configured || overridden || !host || !port || !existsSync(join(dir, 'token'))) return undefined;
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const address = resolveServerAddress(`https://${hostPort}`, { baseDir: inputs.cwd, home: inputs.home, defaultTLS: true });
  let namespace = env['POD_NAMESPACE'] || readTrimmed(join(dir, 'namespace')) || 'default';
  if (flags.namespace) namespace = flags.namespace;
  return {
    address,
    tls: { insecure: false, caFile: join(dir, 'ca.crt') },
    credentials: { tokenFile: join(dir, 'token') },
    impersonate: { user: flags.as, uid: flags.asUid, groups: flags.asGroup ?? [], extra: {} },
    namespace,
    namespaceExplicit: true,
    contextName: '',
    timeoutMs: 0,
    disableCompression: Boolean(flags.disableCompression),
    credentialsDropped: false,
  } as RestConfig;
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
