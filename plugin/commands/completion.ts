import type { Ctx } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { CommandSpec, Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { SHELLS, type Shell } from '../completion/shells.ts';

const COMMAND = 'kubectl sock completion';

/** complete + validate: exactly one shell, one of ours, with kubectl completion's messages. */
export function completeCompletion(inv: Invocation): Shell {
  if (inv.args.length === 0) throw new UsageError('Shell not specified.', COMMAND);
  if (inv.args.length > 1) throw new UsageError('Too many arguments. Expected only the shell type.', COMMAND);
  const shell = inv.args[0] as string;
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`Unsupported shell type ${JSON.stringify(shell)}.`, COMMAND);
  return shell as Shell;
}

const EXAMPLES = `  # Load the kubectl-sock completion code for bash into the current shell
  source <(kubectl-sock completion bash)
  # Write bash completion code to a file and source it from .bash_profile
  kubectl-sock completion bash > ~/.kube/kubectl-sock-completion.bash.inc
  printf "source '$HOME/.kube/kubectl-sock-completion.bash.inc'\\n" >> $HOME/.bash_profile
  
  # Load the kubectl-sock completion code for zsh into the current shell
  source <(kubectl-sock completion zsh)
  # Set the kubectl-sock completion code for zsh to autoload on startup
  kubectl-sock completion zsh > "\${fpath[1]}/_kubectl-sock"
  
  # Load the kubectl-sock completion code for fish into the current shell
  kubectl-sock completion fish | source
  # To load completions for each session, execute once:
  kubectl-sock completion fish > ~/.config/fish/completions/kubectl-sock.fish
  
  # Load the kubectl-sock completion code for powershell into the current shell
  kubectl-sock completion powershell | Out-String | Invoke-Expression
  # Set the kubectl-sock completion code for powershell to run on startup
  ## Save completion code to a script and execute in the profile
  kubectl-sock completion powershell > $HOME\\.kube\\completion.ps1
  Add-Content $PROFILE "$HOME\\.kube\\completion.ps1"`;

/** `kubectl sock completion SHELL`: the script that completes `kubectl-sock …` (kubectl sock … completes through kubectl_complete-sock). */
export const completionCommand: CommandSpec = {
  name: 'completion',
  short: 'Output shell completion code for the specified shell (bash, zsh, fish, or powershell)',
  long: `Output shell completion code for the specified shell (bash, zsh, fish, or powershell). The shell code must be evaluated to provide interactive completion of kubectl-sock commands.  This can be done by sourcing it from the .bash_profile.

 "kubectl sock …" is completed by kubectl itself (1.26 or later) when the kubectl_complete-sock executable is on the PATH beside kubectl-sock; no script is needed for it.`,
  examples: EXAMPLES,
  usage: 'completion SHELL [options]',
  flags: [],
  async run(ctx, inv) {
    const shell = completeCompletion(inv);
    const { completionScript } = await import('../completion/scripts.ts');
    ctx.streams.out.write(completionScript(shell, 'kubectl-sock'));
    return 0;
  },
};

/** `kubectl-sock __complete ARGS… WORD` (and __completeNoDesc): cobra's completion request, answered by the engine. */
export async function runCompletionRequest(ctx: Ctx, argv: readonly string[], specs: readonly CommandSpec[], globals: FlagDef[]): Promise<number> {
  const { answerCompletionRequest } = await import('../completion/request.ts');
  return answerCompletionRequest(ctx, argv, specs, globals);
}
