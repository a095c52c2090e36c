import type { FlagDef, FlagValue } from '../cli/flags.ts';

/** The global flags that choose the server and the identity: the relay takes their place. */
export const CONNECTION_FLAGS = new Set([
  'kubeconfig', 'context', 'cluster', 'user', 'server', 'certificate-authority', 'client-certificate', 'client-key',
  'token', 'username', 'password', 'as', 'as-group', 'as-uid', 'insecure-skip-tls-verify', 'tls-server-name',
]);

/** The flags that choose a relay: the connection flags, and -n (its kubeconfig names the namespace). */
export function relayFlags(flags: ReadonlyMap<string, FlagValue>): Map<string, FlagValue> {
  return new Map([...flags].filter(([k]) => CONNECTION_FLAGS.has(k) || k === 'namespace'));
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Subcommands whose own flags have a global flag's name. cobra lets a local flag
 * shadow a persistent one (the command's --user is a binding's subject, not the
 * kubeconfig user), so those stay in kubectl's arguments. From kubectl 1.33's
 * help: every command that lists a global flag's name among its own flags
 * (config's set-* run as typed anyway: see LOCAL_VERBS in cli/route.ts).
 */
export const SHADOWED_FLAGS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['create clusterrolebinding', new Set(['user'])],
  ['create rolebinding', new Set(['user'])],
  ['set subject', new Set(['user'])],
]);

export interface SplitArgs {
  /** Connection flags, for kubectl-sock to resolve the cluster with. */
  connection: Map<string, FlagValue>;
  /** Everything else, in the user's order, for the real kubectl. */
  forward: string[];
}

/**
 * Separates the connection flags from the rest of a kubectl command line without
 * knowing the verb's own flags. This is safe because kubectl's global flags are
 * persistent: no subcommand may reuse their names or shorthands. Everything after
 * `--` (exec's command) is left alone.
 */
export function splitPassthroughArgs(argv: readonly string[], globals: readonly FlagDef[], shadowed: ReadonlySet<string> = NONE): SplitArgs {
  const byName = new Map(globals.map((d) => [d.name, d]));
  const byShort = new Map(globals.filter((d) => d.short).map((d) => [d.short as string, d]));
  const connection = new Map<string, FlagValue>();
  const forward: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      forward.push(...argv.slice(i));
      break;
    }
    const def = flagOf(arg, byName, byShort);
    if (!def || !CONNECTION_FLAGS.has(def.name) || shadowed.has(def.name)) {
      forward.push(arg);
      continue;
    }
    const inline = inlineValue(arg, def);
    let value: string;
    if (inline !== undefined) value = inline;
    else if (def.kind === 'bool') value = 'true';
    else value = (argv[++i] as string | undefined) ?? '';
    record(connection, def, value);
  }
  return { connection, forward };
}

function flagOf(arg: string, byName: Map<string, FlagDef>, byShort: Map<string, FlagDef>): FlagDef | undefined {
  if (arg.startsWith('--')) return byName.get(arg.slice(2).split('=')[0] as string);
  // Only a lone shorthand (-s, -s=x, -sx) can be a connection flag: grouped bools are the verb's.
  if (arg.startsWith('-') && arg.length >= 2) return byShort.get(arg[1] as string);
  return undefined;
}

function inlineValue(arg: string, def: FlagDef): string | undefined {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq < 0 ? undefined : arg.slice(eq + 1);
  }
  const rest = arg.slice(2);
  if (rest === '') return undefined;
  return rest.startsWith('=') ? rest.slice(1) : def.kind === 'bool' ? undefined : rest;
}

function record(out: Map<string, FlagValue>, def: FlagDef, value: string): void {
  if (def.kind === 'bool') out.set(def.name, value === 'true' || value === '1' || value === 't' || value === 'T' || value === 'TRUE' || value === 'True');
  else if (def.kind === 'stringArray') out.set(def.name, [...((out.get(def.name) as string[] | undefined) ?? []), value]);
  else out.set(def.name, value);
}
