import type { Ctx } from '../context.ts';
import { SockError, UsageError } from '../errors.ts';
import { flagBool, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { SHELLS, detectShell, type Shell } from '../shared-relay/shell-lines.ts';
import { newFactory, type Factory } from './factory.ts';

/** Resolved options of `kubectl sock env`. */
export interface EnvOptions {
  /** The program and its arguments (after `--`); empty: print shell lines. */
  command: string[];
  shell: string;
  unset: boolean;
}

/** complete: flags to options; the shell defaults to $SHELL's. */
export function completeEnv(ctx: Ctx, inv: Invocation): EnvOptions {
  return { command: inv.args, shell: flagString(inv, 'shell') || detectShell(ctx.env), unset: flagBool(inv, 'unset') };
}

/** validate: a program only after `--` (its own flags must not be read as ours), a known shell. */
export function validateEnv(o: EnvOptions, inv: Invocation): void {
  if (o.command.length > 0 && inv.dashAt !== 0) {
    throw new UsageError(`a program to run goes after --: kubectl sock env -- ${o.command.join(' ')}`, inv.commandPath);
  }
  if (!(SHELLS as readonly string[]).includes(o.shell)) throw new UsageError(`unsupported shell "${o.shell}": want one of ${SHELLS.join(', ')}`, inv.commandPath);
  if (o.unset && o.command.length > 0) throw new UsageError('--unset prints shell lines; it takes no program', inv.commandPath);
}

/**
 * run: with a program, run it with KUBECONFIG naming the shared relay's
 * kubeconfig for the context and namespace (nothing else in its environment
 * changes) and return its exit status; without, print the lines that point
 * a shell there, and pin the relay so it lives until `relay stop`.
 */
export async function runEnv(ctx: Ctx, f: Factory, o: EnvOptions, inv: Invocation): Promise<number> {
  const shell = o.shell as Shell;
  const lines = await import('../shared-relay/shell-lines.ts');
  if (o.unset) {
    ctx.streams.out.write(lines.unsetLines(shell, ctx.env));
    return 0;
  }
  const [{ relayForRun }, { resolveForRelay }, { relayFlags }, { kubectlCacheDir }] = await Promise.all([
    import('../shared-relay/use.ts'), import('./passthrough.ts'), import('../passthrough/args.ts'), import('../shared-relay/discovery-link.ts'),
  ]);
  const program = o.command.length > 0 ? await programPath(ctx, o.command[0] as string) : undefined;
  let resolved: Awaited<ReturnType<typeof resolveForRelay>> | undefined;
  const resolve = async () => (resolved ??= await resolveForRelay(ctx, f));
  const flags = relayFlags(inv.flags);
  if (program) {
    const { runWithRelay } = await import('../passthrough/run-with-relay.ts');
    return runWithRelay(ctx, { flags, persist: false, lease: ctx.pid, resolve, kubectlCacheDir: kubectlCacheDir(ctx.env, ctx.home) }, program, o.command.slice(1), o.command[0]);
  }
  // A relay that outlives this run needs a relay process: POSIX only (see runWithRelay).
  if (ctx.uid < 0) throw new SockError('E_RELAY', 'kubectl sock env without a program needs a relay process, which this platform cannot run; use kubectl sock env -- COMMAND');
  const relay = await relayForRun(ctx, { flags, persist: true, resolve, kubectlCacheDir: kubectlCacheDir(ctx.env, ctx.home) });
  const { config, via } = await resolve();
  const previous = ctx.env['KUBECONFIG'];
  ctx.streams.out.write(lines.exportLines(shell, {
    kubeconfig: relay.kubeconfig,
    save: via || previous === undefined || previous === '' ? undefined : previous,
    about: `kubectl and other tools reach ${relay.info.server} through the relay at ${relay.info.address} (context "${config.contextName}", namespace "${config.namespace}") until: kubectl sock relay stop ${relay.info.name}`,
    command: hintCommand(inv, shell),
  }));
  return 0;
}

/** The program as execvp finds it; 127 and 126 when it cannot run, as env(1) and shells answer. */
async function programPath(ctx: Ctx, name: string): Promise<string> {
  const { lookPath } = await import('../passthrough/kubectl-path.ts');
  const path = lookPath(name, ctx.env, ctx.cwd);
  if (path) return path;
  if (!name.includes('/')) throw new SockError('E_EXEC', `exec: "${name}": executable file not found in $PATH`, 127);
  const { existsSync } = await import('node:fs');
  throw new SockError('E_EXEC', `exec: "${name}": ${existsSync(name) ? 'permission denied' : 'no such file or directory'}`, existsSync(name) ? 126 : 127);
}

/** `kubectl sock env` with the flags that chose this relay (never a credential), for the "run this" comment. */
function hintCommand(inv: Invocation, shell: Shell): string {
  const parts = ['kubectl sock env'];
  for (const name of ['kubeconfig', 'context', 'cluster', 'user', 'server', 'namespace']) {
    const v = flagString(inv, name);
    if (v) parts.push(`--${name}=${v}`);
  }
  if (inv.flags.has('shell')) parts.push(`--shell=${shell}`);
  return parts.join(' ');
}

const flags: FlagDef[] = [
  { name: 'shell', kind: 'string', usage: 'The shell to print lines for: bash, zsh or fish. Defaults to the shell of $SHELL.' },
  { name: 'unset', short: 'u', kind: 'bool', usage: 'If true, print the lines that undo a previous env: KUBECONFIG as it was before.' },
];

/** `kubectl sock env`: any program, or a whole shell, reaches the context's server through the shared relay. */
export const envCommand: CommandSpec = {
  name: 'env',
  short: 'Run a program, or set up a shell, to reach the cluster through the shared relay',
  long: `Points programs at the shared relay of the current context: a private TLS endpoint on 127.0.0.1 that forwards to the context's server (a unix socket too) with the context's credentials. With a program after --, runs it with KUBECONFIG naming the relay's kubeconfig for the context and namespace (-n), and returns its exit code; nothing else in its environment changes. Without one, prints the lines that do the same for your shell, so that kubectl, helm, k9s and any client-go program reach the cluster; a relay started this way lives until 'kubectl sock relay stop'. The relay's kubeconfig holds none of the context's own credentials: only the relay's address, certificate and token.`,
  examples: [
    '  # Run helm against the cluster of the current context',
    '  kubectl sock env -- helm list -A',
    '  ',
    '  # Point this shell (bash or zsh) at the relay, then use any tool',
    '  eval "$(kubectl sock env --context prod -n web)"',
    '  kubectl get pods',
    '  ',
    '  # In fish',
    '  kubectl sock env --shell fish | source',
    '  ',
    '  # Undo: KUBECONFIG as it was before',
    '  eval "$(kubectl sock env --unset)"',
  ].join('\n'),
  usage: 'env [--shell=bash|zsh|fish] [--unset] [-- COMMAND [ARGS...]] [options]',
  flags,
  async run(ctx, inv) {
    const o = completeEnv(ctx, inv);
    validateEnv(o, inv);
    const f = newFactory(ctx, inv);
    try {
      return await runEnv(ctx, f, o, inv);
    } finally {
      await f.close();
    }
  },
};
