import { ConfigError } from '../../errors.ts';
import type { KubeFlags } from './kubeconfig-types.ts';
import type { AuthInfo, Cluster, Context, MergedKubeconfig } from './kubeconfig-types.ts';
import { authInfoProblems, openProblem } from './kubeconfig-validate.ts';

/** The context, user and cluster a command uses, each merged with the flags that override it. */
export interface Selection {
  contextName: string;
  context: Context;
  userName: string;
  user: AuthInfo;
  clusterName: string;
  cluster: Cluster;
}

/** One of ConfirmUsable's findings; a missing context is the one kubectl calls a configuration error on its own. */
interface Problem {
  message: string;
  contextNotFound?: boolean;
}

/**
 * client-go's DirectClientConfig (tools/clientcmd/client_config.go), in the
 * order kubectl meets its errors. Commands that ask for the namespace first
 * (get, logs, describe: `Namespace()`) meet ConfirmUsable's findings first:
 * "Error in configuration: context was not found for specified context: x",
 * `no server found for cluster "x"`. Commands that build a client first
 * (version, proxy, api-versions: `ClientConfig()`) meet the lookups first:
 * `context "x" does not exist`, `cluster "x" does not exist`. A `-n` makes
 * Namespace() skip ConfirmUsable.
 */
export function selectConfig(merged: MergedKubeconfig, flags: KubeFlags, env: Readonly<Record<string, string | undefined>>, namespaceFirst: boolean): Selection {
  const d = new DirectClientConfig(merged, flags, env);
  if (namespaceFirst && !flags.namespace) d.confirmUsable();
  const user = d.authInfo();
  const context = d.context();
  const cluster = d.cluster();
  d.confirmUsable();
  return { contextName: d.contextName, context, userName: d.userName(), user, clusterName: d.clusterName(), cluster };
}

class DirectClientConfig {
  readonly contextName: string;
  readonly #merged: MergedKubeconfig;
  readonly #flags: KubeFlags;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(merged: MergedKubeconfig, flags: KubeFlags, env: Readonly<Record<string, string | undefined>>) {
    this.#merged = merged;
    this.#flags = flags;
    this.#env = env;
    this.contextName = flags.context || merged.currentContext;
  }

  /** getContext: the named context with the flags' cluster, user and namespace over it. */
  context(): Context {
    const entry = this.#merged.contexts.get(this.contextName);
    if (!entry && this.#flags.context) throw new ConfigError(`context "${this.contextName}" does not exist`);
    const out: Context = { ...entry };
    if (this.#flags.cluster) out.cluster = this.#flags.cluster;
    if (this.#flags.user) out.user = this.#flags.user;
    if (this.#flags.namespace) out.namespace = this.#flags.namespace;
    return out;
  }

  /** The context as getAuthInfoName and getClusterName see it: empty when a required one is missing. */
  #contextOrEmpty(): Context {
    try {
      return this.context();
    } catch {
      return {};
    }
  }

  userName(): string {
    return this.#flags.user || this.#contextOrEmpty().user || '';
  }

  clusterName(): string {
    return this.#flags.cluster || this.#contextOrEmpty().cluster || '';
  }

  /** getAuthInfo: the named user with the flags over it (a flag's client key or certificate replaces the data form too). */
  authInfo(): AuthInfo {
    const name = this.userName();
    const entry = this.#merged.users.get(name);
    if (!entry && this.#flags.user) throw new ConfigError(`auth info "${name}" does not exist`);
    const f = this.#flags;
    const u: AuthInfo = { ...entry };
    if (f.token) u.token = f.token;
    if (f.username) u.username = f.username;
    if (f.password) u.password = f.password;
    if (f.clientCertificate) {
      u['client-certificate'] = f.clientCertificate;
      delete u['client-certificate-data'];
    }
    if (f.clientKey) {
      u['client-key'] = f.clientKey;
      delete u['client-key-data'];
    }
    if (f.as) u.as = f.as;
    if (f.asUid) u['as-uid'] = f.asUid;
    if (f.asGroup && f.asGroup.length > 0) u['as-groups'] = f.asGroup;
    return u;
  }

  /** getCluster: the default server, then the named cluster, then the flags. */
  cluster(): Cluster {
    const name = this.clusterName();
    const entry = this.#merged.clusters.get(name);
    if (!entry && this.#flags.cluster) throw new ConfigError(`cluster "${name}" does not exist`);
    const defaultServer = this.#env['KUBERNETES_MASTER'] || 'http://localhost:8080';
    const c: Cluster = { ...entry, server: entry?.server || defaultServer };
    const f = this.#flags;
    if (f.server) c.server = f.server;
    if (f.insecureSkipTlsVerify || f.certificateAuthority) {
      // An explicit CA or insecure flag replaces the kubeconfig's CA and insecure settings.
      c['insecure-skip-tls-verify'] = Boolean(f.insecureSkipTlsVerify);
      c['certificate-authority'] = f.certificateAuthority ?? '';
      delete c['certificate-authority-data'];
    }
    // "setting a --server will effectively clear the KUBECONFIG value of tls-server-name"
    if (f.tlsServerName || f.server) c['tls-server-name'] = f.tlsServerName ?? '';
    return c;
  }

  /**
   * ConfirmUsable: every problem of the context, user and cluster in use, found
   * without stopping at the first. One is printed alone; several as kubectl's
   * MultilineError ("Error in configuration: " and a "* " line each).
   */
  confirmUsable(): void {
    const problems: Problem[] = [];
    if (this.contextName && !this.#merged.contexts.has(this.contextName)) {
      problems.push({ message: `context was not found for specified context: ${this.contextName}`, contextNotFound: true });
    }
    const user = orEmpty(() => this.authInfo());
    problems.push(...authInfoProblems(this.userName(), user).map((message) => ({ message })));
    const cluster = orEmpty(() => this.cluster());
    problems.push(...clusterProblems(this.clusterName(), cluster).map((message) => ({ message })));
    if (problems.length === 1) {
      const [p] = problems as [Problem];
      throw new ConfigError(p.message, Boolean(p.contextNotFound));
    }
    if (problems.length > 1) throw new ConfigError(`\n${problems.map((p) => `* ${p.message}`).join('\n')}`, true);
  }
}

function orEmpty<T extends object>(get: () => T): T {
  try {
    return get();
  } catch {
    return {} as T;
  }
}

/** client-go validateClusterInfo. */
function clusterProblems(name: string, c: Cluster): string[] {
  const problems: string[] = [];
  if (!c.server) problems.push(name ? `no server found for cluster "${name}"` : 'default cluster has no server defined');
  const proxy = c['proxy-url'];
  if (proxy) {
    const why = proxyUrlProblem(proxy);
    if (why) problems.push(`invalid 'proxy-url' "${proxy}" for cluster "${name}": ${why}`);
  }
  const ca = c['certificate-authority'];
  if (ca && c['certificate-authority-data']) {
    problems.push(`certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`);
  }
  if (ca) {
    const why = openProblem(ca);
    if (why) problems.push(`unable to read certificate-authority ${ca} for ${name} due to ${why}`);
  }
  return problems;
}

/** client-go parseProxyURL: http, https and socks5 only. */
export function proxyUrlProblem(raw: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  // Go's url.Parse refuses a colon in a first segment that is no scheme ("127.0.0.1:3128").
  if (!m && /^[^/?#]*:/.test(raw)) return `could not parse: ${raw}`;
  const scheme = m?.[1]?.toLowerCase() ?? '';
  if (scheme === 'http' || scheme === 'https' || scheme === 'socks5') return undefined;
  return `unsupported scheme "${scheme}", must be http, https, or socks5`;
}
