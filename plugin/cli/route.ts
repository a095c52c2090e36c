import { delimiter, join } from 'node:path';
import type { CommandSpec } from './command.ts';
import type { FlagDef } from './flags.ts';
import { parseFlags } from './flags.ts';
import { PASSTHROUGH_VERBS } from '../completion/kubectl-verbs.ts';
import { isExecutable } from '../passthrough/kubectl-path.ts';

/**
 * kubectl's commands that never talk to a server (they read or write the
 * kubeconfig, list plugins, build kustomizations): the real kubectl runs them
 * on the user's own kubeconfig, with no relay.
 */
export const LOCAL_VERBS: ReadonlySet<string> = new Set(['config', 'plugin', 'kustomize', 'alpha']);

/** Every top-level command of kubectl 1.33 (`kubectl --help`), as cobra's Find knows them before Execute adds `help`. */
export const KUBECTL_COMMANDS: ReadonlySet<string> = new Set([
  ...PASSTHROUGH_VERBS.map((v) => v.name), ...LOCAL_VERBS, 'get', 'logs', 'version', 'proxy', 'completion', 'options',
]);

/** `kubectl sock help sock`: kubectl-sock's own help (its commands, address forms), beside kubectl's. */
export const SOCK_HELP_TOPIC = 'sock';

/** What `kubectl sock ARGS` is, decided before any flag is parsed for a command. */
export type Route =
  /** kubectl's plugin handler refuses a flag before the command's name (`kubectl -A get pods`). */
  | { kind: 'flags-first'; arg: string }
  /** The real kubectl runs ARGS: through the relay to the selected server, or alone on the user's kubeconfig. */
  | { kind: 'kubectl'; args: readonly string[]; relay: boolean }
  /** kubectl's root help (kubectl sock, help, --help), by the real kubectl, then kubectl-sock's own part. */
  | { kind: 'help'; args: readonly string[] }
  /** One of kubectl-sock's own commands, `options`, `help COMMAND` for one of them, or `help sock`. */
  | { kind: 'native' };

export interface RouteInputs {
  argv: readonly string[];
  globals: readonly FlagDef[];
  /** kubectl-sock's own commands by name and alias. */
  natives: ReadonlyMap<string, CommandSpec>;
  /** PATH, for kubectl's plugin lookup of an unknown verb. */
  path: string;
  /**
   * kubectl would apply kuberc preferences (passthrough/kuberc.ts): an alias or
   * default flags may stand for any verb, so every command but the local ones
   * goes to the real kubectl, through the relay.
   */
  kuberc?: boolean;
}

/**
 * Decides as kubectl does for the same arguments (kubectl/pkg/cmd/cmd.go): cobra's
 * Find over the root command first; a verb it does not know goes to the plugin
 * handler, which refuses a flag in front of it; then which verbs need a server.
 */
export function route(inp: RouteInputs): Route {
  const { argv, globals, natives } = inp;
  const known = (name: string) => KUBECTL_COMMANDS.has(name) || natives.has(name);
  const first = strippedCommands(argv, globals)[0];
  // kubectl's own `help` is added by cobra only at Execute: not a plugin's name, whatever Find says.
  const name = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && !known(first) && name !== 'help') {
    if (argv[0]?.startsWith('-')) return { kind: 'flags-first', arg: argv[0] };
    // kubectl looks for a kubectl-<verb> plugin, which may want the server; else it names the unknown command.
    return { kind: 'kubectl', args: argv, relay: Boolean(inp.kuberc) || pluginOnPath(argv, inp.path) };
  }
  const { positionals, dashAt } = parseFlags(argv, globals, true);
  if (dashAt === 0 && positionals.length > 0) {
    // `kubectl sock [global flags] -- ARGS`: everything goes to kubectl, minus that `--`.
    const at = argv.indexOf('--');
    const args = [...argv.slice(0, at), ...argv.slice(at + 1)];
    return { kind: 'kubectl', args, relay: needsServer(positionals, args) };
  }
  // The verb as cobra finds it (`-o yaml get ns`: get), not the first word flags leave.
  const stripped = strippedCommands(argv, globals);
  const verb = stripped[0];
  if (verb === 'options') return { kind: 'native' };
  // Nothing but flags: kubectl's root command prints its help (its translations come with it).
  if (verb === undefined) return { kind: 'help', args: argv };
  if (verb === 'help') {
    const topic = stripped[1];
    if (topic === undefined) return { kind: 'help', args: argv };
    return natives.has(topic) || topic === SOCK_HELP_TOPIC ? { kind: 'native' } : { kind: 'kubectl', args: argv, relay: false };
  }
  const spec = natives.get(verb);
  if (spec && !inp.kuberc && !(verb === 'get' && readsFiles(argv, [...globals, ...spec.flags]))) return { kind: 'native' };
  return { kind: 'kubectl', args: argv, relay: needsServer(stripped, argv) };
}

/** Whether kubectl will talk to a server for this command line: not for local verbs, nor for help. */
function needsServer(positionals: readonly string[], args: readonly string[]): boolean {
  if (LOCAL_VERBS.has(positionals[0] ?? '')) return false;
  return !asksForHelp(args);
}

/** -h/--help before `--`: kubectl prints the command's help and never builds a client. */
function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '-h' || a === '--help' || a === '--help=true') return true;
  }
  return false;
}

/**
 * `get -f FILE`, `-k DIR`, `-R`: kubectl reads the objects' names from files,
 * which kubectl-sock's get does not, so the real kubectl does it through the relay.
 */
function readsFiles(argv: readonly string[], flags: readonly FlagDef[]): boolean {
  const { values } = parseFlags(argv, flags, true);
  return values.has('filename') || values.has('kustomize') || values.has('recursive');
}

/**
 * cobra's stripFlags over the root command: the words left once flags and the
 * values they may take are dropped. An unknown `--flag` or `-x` without `=` is
 * taken to have a value (cobra cannot know better), which is how
 * `kubectl -A get pods` ends up looking for a command named "pods".
 */
export function strippedCommands(argv: readonly string[], globals: readonly FlagDef[]): string[] {
  const bools = new Set(globals.filter((d) => d.kind === 'bool').flatMap((d) => (d.short ? [d.name, d.short] : [d.name])));
  const commands: string[] = [];
  let args = [...argv];
  while (args.length > 0) {
    const s = args.shift() as string;
    if (s === '--') break;
    const long = s.startsWith('--') && !s.includes('=') && !bools.has(s.slice(2));
    const short = s.startsWith('-') && !s.startsWith('--') && !s.includes('=') && s.length === 2 && !bools.has(s.slice(1));
    if (long || short) {
      if (args.length <= 1) break;
      args = args.slice(1);
    } else if (s !== '' && !s.startsWith('-')) commands.push(s);
  }
  return commands;
}

/**
 * kubectl's plugin lookup (DefaultPluginHandler): the longest kubectl-a-b-c on
 * PATH made of the leading words, dashes inside a word read as underscores.
 */
function pluginOnPath(argv: readonly string[], path: string): boolean {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a.replaceAll('-', '_'));
  }
  for (let n = words.length; n > 0; n--) {
    const name = `kubectl-${words.slice(0, n).join('-')}`;
    if (path.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, name)))) return true;
  }
  return false;
}
