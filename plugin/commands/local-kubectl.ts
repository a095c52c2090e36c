import type { Ctx } from '../context.ts';

/**
 * Runs the real kubectl with the arguments and environment as given, and no
 * relay: for commands that never talk to a server (config, plugin, kustomize,
 * help), so they act on the user's own kubeconfig (KUBECONFIG, --kubeconfig),
 * and for what kubectl alone has the words for.
 */
export async function runLocalKubectl(ctx: Ctx, args: readonly string[]): Promise<number> {
  const [{ findRealKubectl }, { runKubectl, KUBECTL_ARGV0 }] = await Promise.all([
    import('../passthrough/kubectl-path.ts'),
    import('../passthrough/run-kubectl.ts'),
  ]);
  const kubectl = findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  return runKubectl(ctx, kubectl, args, env, KUBECTL_ARGV0);
}
