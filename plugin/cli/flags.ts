import { UsageError } from '../errors.ts';
import { parseGoDuration } from './duration.ts';

/** The value kinds of the pflag flags kubectl uses. */
export type FlagKind = 'bool' | 'string' | 'int' | 'stringArray' | 'stringSlice' | 'duration';

/** One flag, described as kubectl declares it with pflag. */
export interface FlagDef {
  name: string;
  short?: string;
  kind: FlagKind;
  /** pflag's DefValue text, as help prints it ('' for strings, false, -1, [], 0s). */
  defValue?: string;
  usage: string;
  hidden?: boolean;
  /** Help quotes string defaults ('…'); pflag's custom value types (klog's moduleSpec) are shown bare. */
  bareDefault?: boolean;
}

export type FlagValue = string | boolean | number | string[];

/** What parseFlags found: positionals in order, flag values by name (only those given). */
export interface ParsedFlags {
  positionals: string[];
  values: Map<string, FlagValue>;
  /** Index into positionals where `--` stood (cobra's ArgsLenAtDash), or -1. */
  dashAt: number;
}

/**
 * Parses argv with pflag's rules (spf13/pflag flag.go parseArgs): interspersed
 * positionals, `--name=v`, `--name v`, `-n v`, `-nv`, `-n=v`, grouped bool
 * shorthands, `--` ends flags. Values are never coerced (a namespace `0123`
 * stays a string), unlike mri's; that is why the parser is ours.
 */
export function parseFlags(argv: readonly string[], defs: readonly FlagDef[], lenient = false): ParsedFlags {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short as string, d]));
  const out: ParsedFlags = { positionals: [], values: new Map(), dashAt: -1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.dashAt = out.positionals.length;
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    try {
      if (arg.startsWith('--')) i = parseLong(arg, argv, i, byName, out);
      else if (arg.startsWith('-') && arg.length > 1) i = parseShorts(arg, argv, i, byShort, out);
      else out.positionals.push(arg);
    } catch (err) {
      // Lenient: find the positionals even past a wrong flag, so the command can still be
      // named in the error that follows. An unknown flag counts as a boolean; a known one
      // still takes its separate value.
      if (!lenient) throw err;
      if (takesSeparateValue(arg, byName, byShort)) i++;
    }
  }
  return out;
}

function takesSeparateValue(arg: string, byName: Map<string, FlagDef>, byShort: Map<string, FlagDef>): boolean {
  const def = arg.startsWith('--') ? byName.get(arg.slice(2)) : arg.length === 2 ? byShort.get(arg[1] as string) : undefined;
  return def !== undefined && def.kind !== 'bool';
}

function parseLong(arg: string, argv: readonly string[], i: number, byName: Map<string, FlagDef>, out: ParsedFlags): number {
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
  const def = byName.get(name);
  if (!def || name === '' || name.startsWith('-') || name.includes('=')) throw flagError(`unknown flag: --${name}`);
  if (eq !== -1) {
    setFlag(out, def, arg.slice(eq + 1));
    return i;
  }
  if (def.kind === 'bool') {
    setFlag(out, def, 'true');
    return i;
  }
  if (i + 1 >= argv.length) throw flagError(`flag needs an argument: --${name}`);
  setFlag(out, def, argv[i + 1] as string);
  return i + 1;
}

function parseShorts(arg: string, argv: readonly string[], i: number, byShort: Map<string, FlagDef>, out: ParsedFlags): number {
  let rest = arg.slice(1);
  while (rest.length > 0) {
    const c = rest[0] as string;
    const def = byShort.get(c);
    if (!def) throw flagError(`unknown shorthand flag: '${c}' in ${arg}`);
    rest = rest.slice(1);
    if (rest.startsWith('=')) {
      setFlag(out, def, rest.slice(1));
      return i;
    }
    if (def.kind === 'bool') {
      setFlag(out, def, 'true');
      continue;
    }
    if (rest.length > 0) {
      setFlag(out, def, rest);
      return i;
    }
    if (i + 1 >= argv.length) throw flagError(`flag needs an argument: '${c}' in ${arg}`);
    setFlag(out, def, argv[i + 1] as string);
    return i + 1;
  }
  return i;
}

function setFlag(out: ParsedFlags, def: FlagDef, raw: string): void {
  const invalid = (why: string) =>
    flagError(`invalid argument ${JSON.stringify(raw)} for "${flagDisplay(def)}" flag: ${why}`);
  switch (def.kind) {
    case 'bool': {
      const b = parseGoBool(raw);
      if (b === undefined) throw invalid(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
      out.values.set(def.name, b);
      return;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) throw invalid(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
      out.values.set(def.name, Number(raw));
      return;
    }
    case 'duration': {
      try {
        parseGoDuration(raw);
      } catch (err) {
        throw invalid((err as Error).message);
      }
      out.values.set(def.name, raw);
      return;
    }
    case 'stringArray': {
      const prev = (out.values.get(def.name) as string[] | undefined) ?? [];
      out.values.set(def.name, [...prev, raw]);
      return;
    }
    case 'stringSlice': {
      const prev = (out.values.get(def.name) as string[] | undefined) ?? [];
      out.values.set(def.name, [...prev, ...(raw === '' ? [] : raw.split(','))]);
      return;
    }
    case 'string':
      out.values.set(def.name, raw);
  }
}

/** pflag names a flag in errors as "-n, --namespace" when it has a shorthand. */
function flagDisplay(def: FlagDef): string {
  return def.short ? `-${def.short}, --${def.name}` : `--${def.name}`;
}

/** strconv.ParseBool's accepted spellings. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function flagError(message: string): UsageError {
  return new UsageError(message, undefined, true);
}
