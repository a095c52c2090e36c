import type { Ctx } from '../context.ts';
import type { RunRelay } from '../shared-relay/use.ts';
import { environWith } from './environ.ts';
import { handOver } from './hand-over.ts';
import { runKubectl } from './run-kubectl.ts';

/**
 * Runs `program` (kubectl, or env's program) with KUBECONFIG naming the
 * shared relay's kubeconfig for the run's context and namespace, and nothing
 * else in its environment changed; returns its exit status. On a POSIX
 * system this process becomes the program. Elsewhere (Windows) the program
 * runs as a child against a relay of this run's own.
 */
export async function runWithRelay(ctx: Ctx, r: RunRelay, program: string, args: readonly string[], argv0 = program): Promise<number> {
  if (ctx.uid < 0) {
    const [{ withOneRunRelay }, { config }] = await Promise.all([import('../shared-relay/one-run.ts'), r.resolve()]);
    return withOneRunRelay(ctx, config, (kubeconfig) => runKubectl(ctx, program, args, environWith(ctx.env, { KUBECONFIG: kubeconfig }), argv0));
  }
  const { relayForRun } = await import('../shared-relay/use.ts');
  const relay = await relayForRun(ctx, r);
  return handOver(ctx, program, args, environWith(ctx.env, { KUBECONFIG: relay.kubeconfig }), argv0);
}
