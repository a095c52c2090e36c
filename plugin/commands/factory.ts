import type { Ctx } from '../context.ts';
import type { Invocation } from '../cli/command.ts';
import { flagBool, flagInt, flagList, flagString } from '../cli/command.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import type { KubeFlags } from '../kube/clientcmd/kubeconfig-types.ts';
import type { KubeClient } from '../kube/rest/client.ts';
import type { ApiResource, Discovery } from '../kube/discovery/discovery.ts';
import type { LogsClient } from '../kube/logs/logs-client.ts';
import { newKlog, type Klog } from '../klog.ts';
import { ApiError, ConnectError } from '../errors.ts';

/**
 * What every command gets from the global flags: the -v logger and, on
 * demand, the resolved configuration and a client (kubectl's cmdutil.Factory).
 * Kubeconfig parsing and undici are imported only when first needed.
 */
export interface Factory {
  klog: Klog;
  kubeFlags: KubeFlags;
  restConfig(): Promise<RestConfig>;
  client(): Promise<KubeClient>;
  /** Discovery, from the cache when fresh (--cache-dir, KUBECACHEDIR, ~/.kube/cache). */
  discovery(): Promise<Discovery>;
  /**
   * Maps a type name as typed (po, deploy.apps, Pod) to a resource type. A name
   * missing from cached discovery refetches once, as kubectl's cached discovery client does.
   */
  resourceType(name: string): Promise<ApiResource>;
  /**
   * A command that looks its object up before any discovery (logs POD) failed:
   * the error as kubectl, which discovers first, would have met it (see
   * asColdDiscoveryFailure); unchanged when discovery is cached.
   */
  asDiscoveryFailure(err: unknown): Promise<unknown>;
  /** Closes what client() opened. Commands call it in `finally`. */
  close(): Promise<void>;
}

/** How a command meets its configuration, as the kubectl command it stands for. */
export interface FactoryOptions {
  /** It asks for the namespace before building a client (get, logs): see selectConfig. */
  namespaceFirst?: boolean;
  /**
   * How many "couldn't get current server API group list" E lines kubectl prints
   * when discovery fails with no cache (its discovery is retried that many
   * times on the way to the error): 0 for commands that do not discover.
   */
  discoveryAttempts?: number;
}

export function newFactory(ctx: Ctx, inv: Invocation, opts: FactoryOptions = {}): Factory {
  // stderr is made when a line is written: a passed-through verb never writes one itself.
  const klog = newKlog(flagInt(inv, 'v', 0), { write: (line: string) => ctx.streams.errOut.write(line) }, () => ctx.now(), ctx.pid);
  const kubeFlags = kubeFlagsOf(inv);
  let config: Promise<RestConfig> | undefined;
  let client: Promise<KubeClient> | undefined;
  let discovery: Promise<Discovery & { fromCache: boolean }> | undefined;
  const restConfig = () => {
    config ??= import('../kube/clientcmd/client-config.ts').then(async (m) => {
      const c = await m.resolveClientConfig({ flags: kubeFlags, env: ctx.env, home: ctx.home, cwd: ctx.cwd, namespaceFirst: opts.namespaceFirst });
      klog.info(6, 'loader.ts', `Config loaded from ${describeSource(kubeFlags, ctx)}`);
      if (flagBool(inv, 'match-server-version')) await matchServerVersion(ctx, c, klog);
      return c;
    });
    return config;
  };
  const getClient = () => {
    client ??= Promise.all([restConfig(), import('../kube/rest/client.ts')]).then(([c, m]) => new m.KubeClient(ctx, c, klog));
    return client;
  };
  const cacheDir = flagString(inv, 'cache-dir') || ctx.env['KUBECACHEDIR'] || `${ctx.home}/.kube/cache`;
  const discover = async (fresh: boolean) => {
    const [c, m] = await Promise.all([getClient(), import('../kube/discovery/discovery.ts')]);
    try {
      return await m.discover({ client: c, cacheDir, now: () => ctx.now(), fresh });
    } catch (err) {
      if (!fresh && opts.discoveryAttempts) (await import('../kube/discovery/discovery-errors.ts')).logDiscoveryFailure(klog, c.config.address, err, opts.discoveryAttempts);
      throw err;
    }
  };
  return {
    klog,
    kubeFlags,
    restConfig,
    client: getClient,
    discovery() {
      discovery ??= discover(false);
      return discovery;
    },
    async resourceType(name) {
      const { findResourceType, resolveResourceType, shortNameRivals } = await import('../kube/discovery/rest-mapper.ts');
      let d: Discovery = await this.discovery();
      let found = findResourceType(name, d);
      if (!found && (d as { fromCache?: boolean }).fromCache) {
        discovery = discover(true);
        d = await discovery;
      }
      found ??= resolveResourceType(name, d);
      // kubectl's warning printer (cli-runtime ToRESTMapper's expander callback).
      for (const w of shortNameRivals(name, found, d)) ctx.streams.errOut.write(`Warning: ${w}\n`);
      return found;
    },
    async asDiscoveryFailure(err) {
      if (!opts.discoveryAttempts || !(err instanceof ConnectError || (err instanceof ApiError && err.status === 401))) return err;
      const [config, d, m] = await Promise.all([restConfig(), import('../kube/discovery/discovery.ts'), import('../kube/discovery/discovery-errors.ts')]);
      if (d.discoveryCached(cacheDir, config.address, ctx.now())) return err;
      return m.asColdDiscoveryFailure(klog, config.address, err, opts.discoveryAttempts);
    },
    async close() {
      if (client) await (await client.catch(() => undefined))?.close();
    },
  };
}

/** --match-server-version: checked once, when the configuration is first asked for (kubectl's MatchVersionFlags). */
async function matchServerVersion(ctx: Ctx, config: RestConfig, klog: Klog): Promise<void> {
  const [{ KubeClient }, m, { clientVersionInfo }] = await Promise.all([
    import('../kube/rest/client.ts'), import('../kube/discovery/server-version.ts'), import('./version.ts'),
  ]);
  const client = new KubeClient(ctx, config, klog);
  try {
    await m.matchServerVersion(client, clientVersionInfo());
  } finally {
    await client.close();
  }
}

function describeSource(flags: KubeFlags, ctx: Ctx): string {
  if (flags.kubeconfig) return `file:  ${flags.kubeconfig}`;
  return ctx.env['KUBECONFIG'] ? `KUBECONFIG:  ${ctx.env['KUBECONFIG']}` : `file:  ${ctx.home}/.kube/config`;
}

/** The kubeconfig overrides among the global flags (client-go ConfigOverrides). */
function kubeFlagsOf(inv: Invocation): KubeFlags {
  const s = (name: string) => flagString(inv, name) || undefined;
  return {
    kubeconfig: s('kubeconfig'),
    context: s('context'),
    cluster: s('cluster'),
    user: s('user'),
    namespace: s('namespace'),
    server: s('server'),
    certificateAuthority: s('certificate-authority'),
    insecureSkipTlsVerify: flagBool(inv, 'insecure-skip-tls-verify'),
    tlsServerName: s('tls-server-name'),
    token: s('token'),
    username: s('username'),
    password: s('password'),
    clientCertificate: s('client-certificate'),
    clientKey: s('client-key'),
    as: s('as'),
    asGroup: flagList(inv, 'as-group'),
    asUid: s('as-uid'),
    requestTimeout: s('request-timeout'),
    disableCompression: flagBool(inv, 'disable-compression'),
  };
}

/**
 * The client for plain GETs (logs, completion): the direct socket reader when
 * nothing needs the shared client (plain socket, no credentials, no -v), else the shared client.
 */
export async function logsClient(ctx: Ctx, f: Factory): Promise<LogsClient> {
  const [{ directTarget }, { viaDirectReader, viaKubeClient }] = await Promise.all([
    import('../kube/logs/direct-reader.ts'),
    import('../kube/logs/logs-client.ts'),
  ]);
  const config = await f.restConfig();
  const direct = directTarget(config, ctx.env, f.klog.level);
  if (direct) return viaDirectReader(direct, ctx.signal, f.klog);
  const { KubeClient } = await import('../kube/rest/client.ts');
  return viaKubeClient(await f.client(), () => new KubeClient(ctx, config, f.klog));
}
