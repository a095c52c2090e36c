import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { resolveServerAddress, type ServerAddress } from '../transport/address.ts';
import { parseRequestTimeout } from '../cli/duration.ts';
import type { AuthInfo, Cluster, ExecConfig, MergedKubeconfig } from './kubeconfig-types.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { validateAuthInfo, validateContextNamespace } from './kubeconfig-validate.ts';

/** The kubeconfig-related global flags, as given (client-go ConfigOverrides). */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  username?: string;
  password?: string;
  clientCertificate?: string;
  clientKey?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  requestTimeout?: string;
  disableCompression?: boolean;
}

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
   * The command reads its namespace from the kubeconfig (get, logs, describe… without -n):
   * kubectl's Namespace() runs ConfirmUsable before anything else, so a missing context
   * is "context was not found for specified context" even when --context named it.
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
    throw new ConfigError((err as Error).message);
  }
}

/**
 * kubectl's Namespace() runs ConfirmUsable before the rest of the configuration
 * is read (observed with kubectl 1.33): a missing context, and a cluster that
 * names no entry ("no server found"), are reported together; the cluster's
 * alone is a plain error, anything else "Error in configuration".
 */
function confirmUsable(merged: MergedKubeconfig, contextName: string, clusterName: string, notFound: string): void {
  const errors: string[] = [];
  if (contextName && !merged.contexts.has(contextName)) errors.push(notFound);
  const noServer = clusterName !== '' && !merged.clusters.has(clusterName);
  if (noServer) errors.push(`no server found for cluster "${clusterName}"`);
  if (errors.length === 1 && noServer) throw new ConfigError(errors[0] as string);
  if (errors.length === 1) throw new ConfigError(errors[0] as string, true);
  if (errors.length > 1) throw new ConfigError(`\n${errors.map((e) => `* ${e}`).join('\n')}`, true);
}

function selectFromKubeconfig(merged: MergedKubeconfig, inputs: ClientConfigInputs, timeoutMs: number): RestConfig {
  const { flags, env } = inputs;
  const contextName = flags.context || merged.currentContext;
  const context = merged.contexts.get(contextName);
  const notFound = `context was not found for specified context: ${contextName}`;
  const clusterName = flags.cluster || context?.cluster || '';
  const userName = flags.user || context?.user || '';
  if (inputs.namespaceFirst && !flags.namespace) confirmUsable(merged, contextName, clusterName, notFound);
  // ClientConfig() (version, proxy, -n given, or after Namespace()): getAuthInfo, getContext and
  // getCluster fail, in that order, for a name a flag gave that the kubeconfig does not have.
  if (flags.user && !merged.users.has(flags.user)) throw new ConfigError(`auth info "${flags.user}" does not exist`);
  if (flags.context && !context) throw new ConfigError(`context "${flags.context}" does not exist`);
  if (flags.cluster && !merged.clusters.has(flags.cluster)) throw new ConfigError(`cluster "${flags.cluster}" does not exist`);
  if (!context && contextName) throw new ConfigError(notFound, true);

  const cluster = mergeCluster(merged.clusters.get(clusterName), flags, env);
  const user = mergeAuthInfo(merged.users.get(userName), flags);
  validateAuthInfo(userName, user);
  if (context?.namespace) validateContextNamespace(contextName, context.namespace);
  if (!cluster.server) {
    throw new ConfigError(clusterName ? `no server found for cluster "${clusterName}"` : 'default cluster has no server defined');
  }

  const tls = tlsFromCluster(cluster, user);
  const defaultTLS = Boolean(tls.caFile || tls.caData || tls.certFile || tls.certData || tls.insecure || tls.serverName);
  const address = toConfigError(() =>
    resolveServerAddress(cluster.server as string, { baseDir: inputs.cwd, home: inputs.home, defaultTLS }),
  );
  const namespace = flags.namespace || context?.namespace || 'default';
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
    namespaceExplicit: Boolean(flags.namespace || context?.namespace),
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
  if (config.address.tls) return config;
  const c = config.credentials;
  const had = Boolean(c.token || c.tokenFile || c.username || c.password || c.exec || config.tls.certFile || config.tls.certData);
  return {
    ...config,
    credentials: {},
    tls: { insecure: config.tls.insecure, serverName: config.tls.serverName, caFile: config.tls.caFile, caData: config.tls.caData },
    credentialsDropped: had,
  };
}

/** client-go DirectClientConfig.getCluster: defaults, then the kubeconfig entry, then flag overrides. */
function mergeCluster(entry: Cluster | undefined, flags: KubeFlags, env: ClientConfigInputs['env']): Cluster {
  const cluster: Cluster = { server: env['KUBERNETES_MASTER'] || 'http://localhost:8080', ...entry };
  if (entry && !entry.server) cluster.server = env['KUBERNETES_MASTER'] || 'http://localhost:8080';
  if (flags.server) cluster.server = flags.server;
  if (flags.insecureSkipTlsVerify || flags.certificateAuthority) {
    // An explicit CA or insecure flag replaces the kubeconfig's CA and insecure settings.
    cluster['insecure-skip-tls-verify'] = Boolean(flags.insecureSkipTlsVerify);
    cluster['certificate-authority'] = flags.certificateAuthority ?? '';
    delete cluster['certificate-authority-data'];
  }
  // "setting a --server will effectively clear the KUBECONFIG value of tls-server-name"
  if (flags.tlsServerName || flags.server) cluster['tls-server-name'] = flags.tlsServerName ?? '';
  return cluster;
}

function mergeAuthInfo(entry: AuthInfo | undefined, flags: KubeFlags): AuthInfo {
  const user: AuthInfo = { ...entry };
  if (flags.token) user.token = flags.token;
  if (flags.username) user.username = flags.username;
  if (flags.password) user.password = flags.password;
  if (flags.clientCertificate) user['client-certificate'] = flags.clientCertificate;
  if (flags.clientKey) user['client-key'] = flags.clientKey;
  if (flags.as) user.as = flags.as;
  if (flags.asUid) user['as-uid'] = flags.asUid;
  if (flags.asGroup && flags.asGroup.length > 0) user['as-groups'] = flags.asGroup;
  return user;
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
