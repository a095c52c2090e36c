import type { Ctx } from '../context.ts';
import type { Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { AddressError, ConfigError, InterruptedError } from '../errors.ts';
import { SHADOWED_FLAGS, splitPassthroughArgs } from '../passthrough/args.ts';
import { parseFlags } from '../cli/flags.ts';
import { KUBECTL_ARGV0 } from '../passthrough/run-kubectl.ts';
import { newFactory, type Factory } from './factory.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';

/** What `kubectl sock VERB …` resolved to before running kubectl. */
export interface PassthroughOptions {
  /** The arguments for kubectl, unchanged but for the connection flags. */
  args: string[];
  /** The command line as the user typed it, for kubectl run alone (with no relay). */
  original: readonly string[];
  invocation: Invocation;
}

/**
 * complete: the connection flags choose the cluster (they become kubectl-sock's
 * own, as for native commands); everything else goes to kubectl as typed.
 */
export function completePassthrough(argv: readonly string[], globals: readonly FlagDef[]): PassthroughOptions {
  const [verb, sub] = parseFlags(argv, globals, true).positionals;
  const { connection, forward } = splitPassthroughArgs(argv, globals, SHADOWED_FLAGS.get(`${verb} ${sub}`));
  const flags = new Map(connection);
  // -n stays in kubectl's arguments too; the relay's kubeconfig names the same namespace.
  const ns = namespaceOf(forward);
  if (ns !== undefined) flags.set('namespace', ns);
  return { args: forward, original: argv, invocation: { commandPath: 'kubectl sock', args: [], flags, dashAt: -1 } };
}

function namespaceOf(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (a === '-n' || a === '--namespace') found = args[++i];
    else if (a.startsWith('--namespace=')) found = a.slice('--namespace='.length);
    else if (a.startsWith('-n') && !a.startsWith('--')) found = a.slice(a[2] === '=' ? 3 : 2);
  }
  return found;
}

/**
 * run: kubectl against the shared relay of the selected context's upstream
 * (plugin/shared-relay: TLS on 127.0.0.1, a 256-bit bearer token it strips,
 * kubectl-sock's own transport and credentials behind it), found through the
 * relay's kubeconfig. Then this process becomes kubectl (handOver), holding
 * a lease that keeps the relay while kubectl runs. A kubeconfig kubectl
 * refuses, and an http(s) server that cannot be reached, are handed to kubectl
 * run alone on the user's own arguments: it has its own words for them.
 */
export async function runPassthrough(ctx: Ctx, o: PassthroughOptions): Promise<number> {
  const f = newFactory(ctx, o.invocation);
  const [{ findRealKubectl }, { runWithRelay }, { mayWorkOffline }, { kubectlCacheDir }] = await Promise.all([
    import('../passthrough/kubectl-path.ts'), import('../passthrough/run-with-relay.ts'), import('../passthrough/reachable.ts'),
    import('../shared-relay/discovery-link.ts'),
  ]);
  const kubectl = findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  const offline = mayWorkOffline(o.args);
  try {
    return await runWithRelay(ctx, {
      flags: o.invocation.flags, persist: false, lease: ctx.pid,
      // A recent relay whose upstream no longer takes a connection is not used as it is: the
      // resolve below then says why, in the words every native command uses.
      probe: !offline,
      resolve: () => resolveChecked(ctx, f, offline),
      kubectlCacheDir: kubectlCacheDir(ctx.env, ctx.home, o.args),
    }, kubectl, o.args, KUBECTL_ARGV0);
  } catch (err) {
    if (!(err instanceof RunKubectlAlone)) throw err;
    const { runLocalKubectl } = await import('./local-kubectl.ts');
    return runLocalKubectl(ctx, o.original);
  }
}

/** Thrown by resolveChecked when kubectl, run alone, has the words for what went wrong. */
class RunKubectlAlone extends Error {}

/**
 * The relay's config, with the server checked before kubectl starts (unless
 * the command may work offline): a missing or stale socket, a TLS failure or a
 * failing credential plugin is reported once, as `get` reports it, instead of
 * kubectl's five discovery E lines and an "Error from server (InternalError)".
 */
async function resolveChecked(ctx: Ctx, f: Factory, offline: boolean): Promise<{ config: RestConfig; via: string | undefined }> {
  let resolved;
  try {
    resolved = await resolveForRelay(ctx, f);
  } catch (err) {
    // "Error in configuration: …" or "context … does not exist": which one depends on the verb.
    if (err instanceof ConfigError && !(err instanceof AddressError)) throw new RunKubectlAlone();
    throw err;
  }
  if (offline) return resolved;
  const [reach, { Upstream }] = await Promise.all([import('../passthrough/reachable.ts'), import('../relay/upstream.ts')]);
  const held = reach.holdStream(ctx.streams.errOut);
  const upstream = new Upstream({ ...ctx, streams: Object.create(ctx.streams, { errOut: { value: held.stream } }) as Ctx['streams'] }, resolved.config, f.klog);
  try {
    await reach.checkReachable(ctx, upstream);
    held.release();
  } catch (err) {
    if (reach.kubectlReaches(resolved.config.address) && !(err instanceof InterruptedError)) {
      held.discard();
      throw new RunKubectlAlone();
    }
    held.release();
    throw err;
  } finally {
    await upstream.close();
  }
  return resolved;
}

/** The config a relay is chosen by, and the relay folder its kubeconfig came from, if any (an `env` shell). */
export async function resolveForRelay(ctx: Ctx, f: Factory): Promise<{ config: RestConfig; via: string | undefined }> {
  const [config, { relayFolderOfKubeconfig }] = await Promise.all([f.restConfig(), import('../shared-relay/relay-kubeconfig-source.ts')]);
  return { config, via: relayFolderOfKubeconfig(ctx, f.kubeFlags) };
}
