import { cac, type CAC } from 'cac';
import type { Ctx } from './context.ts';
import { ApiError, formatError, InterruptedError, PluginHandlerError, SockError, UsageError } from './errors.ts';
import type { CommandSpec, Invocation } from './cli/command.ts';
import { parseFlags, type FlagDef, type ParsedFlags } from './cli/flags.ts';
import { globalFlags, helpFlag } from './cli/global-flags.ts';
import { commandHelp, optionsHelp, rootHelp } from './cli/help.ts';
import { route } from './cli/route.ts';
import { interruptedStatus } from './cli/interrupt.ts';
import { nativeCommands } from './commands/index.ts';
import { kubercApplies } from './passthrough/kuberc.ts';

const PROGRAM = 'kubectl sock';
const PARSED = Symbol('parsed');
const FAILED = Symbol('failed');

type ParseResult = { [PARSED]: ParsedFlags; [FAILED]?: unknown; '--': string[] };

/**
 * Gives cac pflag's parsing: cac's mri coerces numbers ("-n 0123" becomes 123)
 * and splits "-nfoo" into -n -f -o -o, which kubectl users would trip over.
 * Command registration, matching and dispatch stay cac's. (cac declares mri
 * private, hence the cast.)
 */
function usePflagParsing(cli: CAC, flagsOf: (name: string | undefined) => FlagDef[]): void {
  (cli as unknown as { mri: MriFn }).mri = (argv, command) => {
    const defs = flagsOf(command?.name);
    try {
      const parsed = parseFlags(argv, defs);
      return { args: parsed.positionals, options: { [PARSED]: parsed, '--': [] } };
    } catch (err) {
      // Keep matching (the failure belongs to whichever command matches); report it there.
      const lenient = parseFlags(argv, defs, true);
      return { args: lenient.positionals, options: { [PARSED]: lenient, [FAILED]: err, '--': [] } };
    }
  };
}

type MriFn = (argv: string[], command?: { name: string }) => { args: string[]; options: ParseResult };

/** Runs kubectl sock with argv (after the program name); returns the exit code. Never throws. */
export async function run(argv: readonly string[], ctx: Ctx): Promise<number> {
  try {
    return await dispatch(argv, ctx);
  } catch (err) {
    // Whatever a signal cut short (an aborted request, a closed stream) ends as the signal, silently.
    return reportError(ctx.signal.aborted ? new InterruptedError(ctx.signal.reason, interruptedStatus(ctx.signal)) : err, ctx);
  }
}

async function dispatch(argv: readonly string[], ctx: Ctx): Promise<number> {
  const globals = [...globalFlags(ctx.home), helpFlag];
  const specs = nativeCommands();
  // cobra's hidden completion requests, for the shell scripts and kubectl_complete-sock.
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') {
    const { runCompletionRequest } = await import('./commands/completion.ts');
    return runCompletionRequest(ctx, argv, specs, globals);
  }
  // The shared relay process that `kubectl sock` runs start (plugin/shared-relay/daemon.ts); its input comes on stdin.
  if (argv[0] === '__relay') {
    const { runRelayDaemon } = await import('./shared-relay/daemon.ts');
    return runRelayDaemon(ctx);
  }
  const byName = new Map(specs.flatMap((s) => [s.name, ...(s.aliases ?? [])].map((n) => [n, s] as const)));
  const kuberc = kubercApplies(argv, ctx.env, ctx.home);
  const r = route({ argv, globals, natives: byName, path: ctx.env['PATH'] ?? '', kuberc });
  if (r.kind === 'flags-first') throw new PluginHandlerError(`flags cannot be placed before plugin name: ${r.arg}`);
  if (r.kind === 'help') {
    const { runRootHelp } = await import('./commands/root-help.ts');
    return runRootHelp(ctx, r.args, specs);
  }
  if (r.kind === 'kubectl' && !r.relay) {
    const { runLocalKubectl } = await import('./commands/local-kubectl.ts');
    return runLocalKubectl(ctx, r.args);
  }
  if (r.kind === 'kubectl') {
    const { completePassthrough, runPassthrough } = await import('./commands/passthrough.ts');
    return runPassthrough(ctx, completePassthrough(r.args, globals));
  }
  const cli = cac(PROGRAM);
  usePflagParsing(cli, (name) => [...globals, ...(name ? (byName.get(name)?.flags ?? []) : [])]);
  let outcome: Promise<number> | undefined;
  for (const spec of specs) {
    const cmd = cli.command(`${spec.name} [...args]`, spec.short).allowUnknownOptions();
    for (const alias of spec.aliases ?? []) cmd.alias(alias);
    cmd.action((args: string[], options: ParseResult) => {
      outcome = invoke(ctx, spec, args, options);
    });
  }
  cli.parse(['kubectl', 'sock', ...argv], { run: false });
  await cli.runMatchedCommand();
  if (outcome) return outcome;
  return runWithoutCommand(ctx, [...cli.args], cli.options as unknown as ParseResult, globals, specs);
}

async function invoke(ctx: Ctx, spec: CommandSpec, args: string[], options: ParseResult): Promise<number> {
  const commandPath = `${PROGRAM} ${spec.name}`;
  if (options[FAILED]) throw withCommand(options[FAILED], commandPath);
  const parsed = options[PARSED];
  if (parsed.values.get('help') === true) {
    ctx.streams.out.write(commandHelp(spec));
    return 0;
  }
  const dashAt = parsed.dashAt < 0 ? -1 : parsed.dashAt - 1;
  const inv: Invocation = { commandPath, args, flags: parsed.values, dashAt };
  let code: number;
  try {
    code = await spec.run(ctx, inv);
  } catch (err) {
    await logErrorDebug(ctx, err, parsed.values.get('v'));
    throw err;
  }
  // kubectl's PersistentPostRunE: after a command that succeeded, server warnings fail it.
  if (code === 0 && parsed.values.get('warnings-as-errors') === true) {
    const { warningCount } = await import('./kube/rest/warnings.ts');
    const n = warningCount(ctx);
    if (n > 0) throw new SockError('E_WARNINGS', `${n} warning${n === 1 ? '' : 's'} received`);
  }
  return code;
}

/** kubectl's StandardErrorMessage: at -v=4, a server's Status error as it came (status-error.ts statusDebugLine). */
async function logErrorDebug(ctx: Ctx, err: unknown, v: unknown): Promise<void> {
  if (typeof v !== 'number' || v < 4 || !(err instanceof ApiError)) return;
  const [{ statusDebugLine }, { newKlog }] = await Promise.all([import('./kube/rest/status-error.ts'), import('./klog.ts')]);
  const line = statusDebugLine(err);
  if (line) newKlog(v, ctx.streams.errOut, () => ctx.now(), ctx.pid).info(4, 'helpers.ts', line);
}

/**
 * No native command and no passthrough: `options`, `help COMMAND` (cobra's help
 * command, for our own commands), or `help sock`, kubectl-sock's own root help.
 */
function runWithoutCommand(ctx: Ctx, args: string[], options: ParseResult, globals: FlagDef[], specs: CommandSpec[]): number {
  if (options[FAILED]) throw withCommand(options[FAILED], PROGRAM);
  const topic = args[0] === 'help' ? specs.find((s) => s.name === args[1] || s.aliases?.includes(args[1] ?? '')) : undefined;
  ctx.streams.out.write(args[0] === 'options' ? optionsHelp(globals) : topic ? commandHelp(topic) : rootHelp(specs));
  return 0;
}

/** Flag errors name the command for kubectl's "See 'kubectl sock get --help' for usage." line. */
function withCommand(err: unknown, commandPath: string): unknown {
  if (err instanceof UsageError && !err.command) return new UsageError(err.message, commandPath, err.flagError);
  return err;
}

/** The single place errors are printed, as kubectl's CheckErr; stack traces only with KUBECTL_SOCK_DEBUG. */
function reportError(err: unknown, ctx: Ctx): number {
  const { text, exitCode } = formatError(err);
  if (text) ctx.streams.errOut.write(text.endsWith('\n') ? text : `${text}\n`);
  const debug = ctx.env['KUBECTL_SOCK_DEBUG'];
  if (debug && debug !== '0' && err instanceof Error) ctx.streams.errOut.write(`${err.stack ?? ''}\n`);
  return exitCode;
}
