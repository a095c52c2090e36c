import type { Ctx } from '../context.ts';
import type { Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { splitPassthroughArgs } from '../passthrough/args.ts';
import { newFactory, type Factory } from './factory.ts';
import type { RestConfig } from '../kube/client-config.ts';

/** What `kubectl sock VERB …` resolved to before running kubectl. */
export interface PassthroughOptions {
  /** The arguments for kubectl, unchanged but for the connection flags. */
  args: string[];
  invocation: Invocation;
}

/**
 * complete: the connection flags choose the cluster (they become kubectl-sock's
 * own, as for native commands); everything else goes to kubectl as typed.
 */
export function completePassthrough(argv: readonly string[], globals: readonly FlagDef[]): PassthroughOptions {
  const { connection, forward } = splitPassthroughArgs(argv, globals);
  const flags = new Map(connection);
  // -n stays in kubectl's arguments too; the relay's kubeconfig names the same namespace.
  const ns = namespaceOf(forward);
  if (ns !== undefined) flags.set('namespace', ns);
  return { args: forward, invocation: { commandPath: 'kubectl sock', args: [], flags, dashAt: -1 } };
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
 * a lease that keeps the relay while kubectl runs.
 */
export async function runPassthrough(ctx: Ctx, o: PassthroughOptions): Promise<number> {
  const f = newFactory(ctx, o.invocation);
  const [{ findRealKubectl }, { runWithRelay }] = await Promise.all([import('../passthrough/kubectl-path.ts'), import('../passthrough/run-with-relay.ts')]);
  const kubectl = findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  return runWithRelay(ctx, { flags: o.invocation.flags, persist: false, lease: ctx.pid, resolve: () => resolveForRelay(ctx, f) }, kubectl, o.args);
}

/** The config a relay is chosen by, and the relay folder its kubeconfig came from, if any (an `env` shell). */
export async function resolveForRelay(ctx: Ctx, f: Factory): Promise<{ config: RestConfig; via: string | undefined }> {
  const [config, { relayFolderOfKubeconfig }] = await Promise.all([f.restConfig(), import('../shared-relay/relay-kubeconfig-source.ts')]);
  return { config, via: relayFolderOfKubeconfig(ctx, f.kubeFlags) };
}
