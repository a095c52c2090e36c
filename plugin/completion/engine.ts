// cobra's Command.getCompletions (spf13/cobra completions.go) for kubectl
// sock's flat command tree: find the command, decide between flag names, a
// flag's value and positionals, then run the matching completion function.
import { parseFlags, type FlagDef, type FlagValue } from '../cli/flags.ts';
import { Directive, type Completion } from './directive.ts';
import type { CommandModel, CompletionSources, Completer, ProgramModel } from './model.ts';

/** A verb kubectl sock passes to kubectl: its completion is kubectl's own. */
export interface Delegation {
  delegate: true;
  /** The words before the one being completed, as typed (verb included). */
  args: string[];
  toComplete: string;
}

/** Builds the sources once the line's flags are known (--server, -n, --context… chose the cluster). */
export type SourcesFor = (flags: ReadonlyMap<string, FlagValue>) => CompletionSources;

const HELP = (what: string): FlagDef => ({ name: 'help', short: 'h', kind: 'bool', usage: `help for ${what}` });

/** Completes `args… toComplete` as `kubectl-sock __complete args… toComplete` must answer. */
export async function complete(program: ProgramModel, args: readonly string[], toComplete: string, sourcesFor: SourcesFor): Promise<Completion | Delegation> {
  const at = verbIndex(args, program.globals);
  const verb = at < 0 ? undefined : (args[at] as string);
  const command = verb === undefined ? undefined : program.commands.find((c) => c.name === verb);
  const rest = at < 0 ? [...args] : [...args.slice(0, at), ...args.slice(at + 1)];
  if (verb !== undefined && !command) return completeForeignVerb(program, verb, args, rest, toComplete, sourcesFor);
  const inherited = command ? program.globals : [];
  const local = command ? [...command.flags, HELP(command.name)] : [...program.globals, HELP(program.name)];
  return completeCommand(program, command, { inherited, local }, rest, toComplete, sourcesFor);
}

/**
 * A verb for kubectl: kubectl completes it, except the value of a global flag
 * that chooses the cluster or namespace. Those name what kubectl sock sees
 * (its kubeconfig, its server), while kubectl only sees the relay.
 */
async function completeForeignVerb(
  program: ProgramModel,
  verb: string,
  args: readonly string[],
  rest: string[],
  word: string,
  sourcesFor: SourcesFor,
): Promise<Completion | Delegation> {
  const check = flagBeingCompleted(verb, program.globals, rest, word);
  const own = check.flag ? program.globalValues[check.flag.name] : undefined;
  if (!own) return { delegate: true, args: [...args], toComplete: word };
  // The verb's own flags are unknown here: parse leniently, for the connection flags only.
  return own(sourcesFor(parseFlags(check.args, program.globals, true).values), [], check.toComplete);
}

interface FlagSets {
  /** cobra's InheritedFlags (the globals, for a subcommand). */
  inherited: FlagDef[];
  /** NonInheritedFlags: the command's own, with --help. */
  local: FlagDef[];
}

async function completeCommand(
  program: ProgramModel,
  command: CommandModel | undefined,
  sets: FlagSets,
  args: string[],
  word: string,
  sourcesFor: SourcesFor,
): Promise<Completion> {
  const defs = [...sets.inherited, ...sets.local];
  const check = flagBeingCompleted(command?.name ?? program.name, defs, args, word);
  const toComplete = check.toComplete;
  // A `--` already on the line ends flags: no flag names and no flag values after it.
  const flagCompletion = parseFlags(check.args, defs, true).dashAt < 0;
  let parsed;
  try {
    parsed = parseFlags(check.args, defs);
  } catch (err) {
    return { candidates: [], directive: Directive.Default, error: `Error while parsing flags from args [${check.args.join(' ')}]: ${(err as Error).message}` };
  }
  if (check.error && flagCompletion) return { candidates: [], directive: Directive.Default, error: check.error };
  if (parsed.values.get('help') === true) return { candidates: [], directive: Directive.NoFileComp };
  const flag = flagCompletion ? check.flag : undefined;

  if (!flag && toComplete.startsWith('-') && !toComplete.includes('=') && flagCompletion) {
    const candidates = [...flagNames(sets.inherited, parsed.values, toComplete), ...flagNames(sets.local, parsed.values, toComplete)];
    const single = candidates.length === 1 && (candidates[0] as string).endsWith('=');
    return { candidates, directive: single ? Directive.NoSpace : Directive.NoFileComp };
  }

  let candidates: string[] = [];
  let directive: number = Directive.Default;
  const positionals = parsed.positionals;
  if (!flag && !command && positionals.length === 0) {
    candidates = subcommands(program, toComplete);
    directive = Directive.NoFileComp;
  }
  const completer: Completer | undefined = flag
    ? (command?.values?.[flag.name] ?? (sets.inherited.includes(flag) || !command ? program.globalValues[flag.name] : undefined))
    : command?.args;
  if (completer) {
    const result = await completer(sourcesFor(parsed.values), positionals, toComplete);
    candidates = [...candidates, ...result.candidates];
    directive = result.directive;
  }
  return { candidates, directive };
}

/** Native commands, kubectl's verbs and help, sorted as cobra sorts subcommands. */
export function subcommands(program: ProgramModel, prefix: string): string[] {
  const all = [
    ...program.commands.map((c) => ({ name: c.name, short: c.short })),
    ...program.passthrough,
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return all.filter((c) => c.name.startsWith(prefix)).map((c) => `${c.name}\t${c.short}`);
}

/**
 * cobra's getFlagNameCompletions over one flag set, sorted by name as pflag
 * visits them: `--name` and `-x`, each with its usage; hidden flags never,
 * flags already given only when they repeat (slices, arrays).
 */
function flagNames(defs: readonly FlagDef[], given: ReadonlyMap<string, FlagValue>, prefix: string): string[] {
  const out: string[] = [];
  for (const f of [...defs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (f.hidden) continue;
    if (given.has(f.name) && f.kind !== 'stringArray' && f.kind !== 'stringSlice') continue;
    const usage = f.usage.split('\n')[0] as string;
    if (`--${f.name}`.startsWith(prefix)) out.push(`--${f.name}\t${usage}`);
    if (f.short && `-${f.short}`.startsWith(prefix)) out.push(`-${f.short}\t${usage}`);
  }
  return out;
}

interface FlagCheck {
  /** The flag whose value is being completed. */
  flag?: FlagDef;
  /** The words to parse: without that flag's name when its value is the word being typed. */
  args: string[];
  /** The word to complete: after the `=` of `--flag=val`. */
  toComplete: string;
  error?: string;
}

/** cobra's checkIfFlagCompletion: is the word a flag's value (`--ns x`, `--ns=x`, `-n x`, `-n=x`)? */
function flagBeingCompleted(commandName: string, defs: readonly FlagDef[], args: string[], word: string): FlagCheck {
  let name = '';
  let trimmed = args;
  let toComplete = word;
  let withEqual = false;
  if (word.startsWith('-')) {
    const eq = word.indexOf('=');
    if (eq < 0) return { args, toComplete: word };
    // `-abc=x` completes the value of c, the last shorthand (cobra issue 1257).
    name = word.startsWith('--') ? word.slice(2, eq) : word.slice(eq - 1, eq);
    toComplete = word.slice(eq + 1);
    withEqual = true;
  } else if (args.length > 0) {
    const prev = args[args.length - 1] as string;
    if (isFlagArg(prev) && !prev.includes('=')) {
      name = prev.startsWith('--') ? prev.slice(2) : prev.slice(-1);
      trimmed = args.slice(0, -1);
    }
  }
  if (name === '') return { args: trimmed, toComplete };
  const flag = defs.find((d) => (name.length === 1 && d.short === name) || d.name === name);
  if (!flag) return { args, toComplete: word, error: `Subcommand '${commandName}' does not support flag '${name}'` };
  // A boolean takes no separate value: the word after it is a positional.
  if (!withEqual && flag.kind === 'bool') return { args, toComplete };
  return { flag, args: trimmed, toComplete };
}

/** pflag's notion of a flag word: `--x…` or `-x…`, not `-` or `--`. */
function isFlagArg(arg: string): boolean {
  return (arg.length >= 3 && arg.startsWith('--')) || (arg.length >= 2 && arg[0] === '-' && arg[1] !== '-');
}

/**
 * Where the verb stands: the first word that is neither a global flag nor its
 * separate value (cobra's Find strips flags the same way), or -1.
 */
function verbIndex(args: readonly string[], globals: readonly FlagDef[]): number {
  const byName = new Map(globals.map((d) => [d.name, d]));
  const byShort = new Map(globals.filter((d) => d.short).map((d) => [d.short as string, d]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return -1;
    if (!a.startsWith('-') || a === '-') return i;
    if (a.includes('=')) continue;
    const def = a.startsWith('--') ? byName.get(a.slice(2)) : a.length === 2 ? byShort.get(a[1] as string) : undefined;
    if (def && def.kind !== 'bool') i++;
  }
  return -1;
}
