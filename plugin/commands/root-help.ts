import type { Ctx } from '../context.ts';
import type { CommandSpec } from '../cli/command.ts';
import { rootHelp, sockHelpSection } from '../cli/help.ts';

/**
 * `kubectl sock`, `kubectl sock help`, `kubectl sock --help`: the real
 * kubectl's root help (every command works through kubectl sock, and kubectl
 * translates it per LANG), then a short part on what kubectl-sock adds. With
 * no real kubectl to ask, kubectl-sock's own help.
 */
export async function runRootHelp(ctx: Ctx, args: readonly string[], specs: readonly CommandSpec[]): Promise<number> {
  const [{ findRealKubectl }, { runLocalKubectl }] = await Promise.all([import('../passthrough/kubectl-path.ts'), import('./local-kubectl.ts')]);
  try {
    findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  } catch {
    ctx.streams.out.write(rootHelp(specs));
    return 0;
  }
  const code = await runLocalKubectl(ctx, args);
  if (code === 0) ctx.streams.out.write(sockHelpSection(specs));
  return code;
}
