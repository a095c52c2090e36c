// `kubectl-sock __complete ARGS… WORD`: what kubectl's plugin completion
// (kubectl_complete-sock) and the shell scripts call. Answers on stdout in
// cobra's protocol, never fails: whatever goes wrong, the shell gets a directive.
import type { Ctx } from '../context.ts';
import type { CommandSpec } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { Directive, formatCompletion, formatCompletionDiagnostics, type Completion } from './directive.ts';
import { complete, type Delegation } from './engine.ts';
import { clusterSources } from './cluster-sources.ts';
import { programModel } from './program.ts';

/** cobra's hidden request commands: with descriptions, and without. */
export const COMPLETE_REQUEST = '__complete';
export const COMPLETE_REQUEST_NO_DESC = '__completeNoDesc';

/** Answers one completion request; `argv` starts with __complete or __completeNoDesc. Returns the exit code. */
export async function answerCompletionRequest(ctx: Ctx, argv: readonly string[], specs: readonly CommandSpec[], globals: FlagDef[]): Promise<number> {
  const descriptions = argv[0] !== COMPLETE_REQUEST_NO_DESC;
  const words = argv.slice(1);
  const toComplete = words.length > 0 ? (words[words.length - 1] as string) : '';
  const opened: { close(): Promise<void> }[] = [];
  let result: Completion | Delegation;
  try {
    result = await complete(programModel(specs, globals), words.slice(0, -1), toComplete, (flags) => {
      const sources = clusterSources(ctx, flags);
      opened.push(sources);
      return sources;
    });
  } catch (err) {
    // Sources swallow server errors; anything left is a bug, still answered with a directive.
    result = { candidates: [], directive: Directive.NoFileComp, error: (err as Error).message };
  } finally {
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  }
  if ('delegate' in result) return delegateToKubectl(ctx, result, globals, descriptions);
  ctx.streams.out.write(formatCompletion(result, descriptions));
  ctx.streams.errOut.write(formatCompletionDiagnostics(result));
  return 0;
}

/**
 * A kubectl verb (describe, exec, rollout…): the real kubectl answers
 * `kubectl __complete VERB …` through the same shared relay as the verb
 * itself, so it lists what the selected server holds. kubectl writes the
 * answer straight to our stdout.
 */
async function delegateToKubectl(ctx: Ctx, d: Delegation, globals: FlagDef[], descriptions: boolean): Promise<number> {
  try {
    const request = descriptions ? COMPLETE_REQUEST : COMPLETE_REQUEST_NO_DESC;
    const [{ completePassthrough, runPassthrough }, { LOCAL_VERBS }, { parseFlags }] = await Promise.all([
      import('../commands/passthrough.ts'), import('../cli/route.ts'), import('../cli/flags.ts'),
    ]);
    // config, plugin, kustomize: kubectl completes them from the user's own kubeconfig, with no relay.
    if (LOCAL_VERBS.has(parseFlags(d.args, globals, true).positionals[0] ?? '')) {
      const { runLocalKubectl } = await import('../commands/local-kubectl.ts');
      await runLocalKubectl(ctx, [request, ...d.args, d.toComplete]);
      return 0;
    }
    const o = completePassthrough(d.args, globals);
    // Run alone (the server unreachable over https, a kubeconfig kubectl refuses), kubectl still only completes.
    await runPassthrough(ctx, { ...o, args: [request, ...o.args, d.toComplete], original: [request, ...d.args, d.toComplete] });
  } catch (err) {
    const failed: Completion = { candidates: [], directive: Directive.NoFileComp, error: (err as Error).message };
    ctx.streams.out.write(formatCompletion(failed, descriptions));
    ctx.streams.errOut.write(formatCompletionDiagnostics(failed));
  }
  return 0;
}
