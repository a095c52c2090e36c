import type { Ctx } from '../context.ts';
import type { FlagDef, ParsedFlags, FlagValue } from './flags.ts';

/** One parsed invocation: positionals and the values of the flags given. */
export interface Invocation {
  /** The full command name as help and errors show it: "kubectl sock version". */
  commandPath: string;
  args: string[];
  flags: ReadonlyMap<string, FlagValue>;
  /** cobra's ArgsLenAtDash: where `--` stood among args, or -1. */
  dashAt: number;
}

/** A native command: its help, its flags, and what runs it (the implementation is imported on use). */
export interface CommandSpec {
  name: string;
  aliases?: string[];
  /** The one-liner in the root help. */
  short: string;
  /** The long description, as kubectl's LongDesc. */
  long: string;
  /** kubectl's Example block, already indented by two spaces. */
  examples?: string;
  /** The usage line after "kubectl sock ", e.g. "version [flags]". */
  usage: string;
  flags: FlagDef[];
  /**
   * True when this command line is one the native command does not implement
   * (flags parsed leniently, globals included): the real kubectl runs it instead,
   * through the passthrough relay, so that it still works over the socket.
   */
  delegate?(flags: ParsedFlags): boolean;
  /** Runs the command; returns the exit code. Errors are thrown as SockError. */
  run(ctx: Ctx, inv: Invocation): Promise<number>;
}

/** Typed access to flag values, with kubectl's defaults when a flag was not given. */
export function flagString(inv: Invocation, name: string, def = ''): string {
  const v = inv.flags.get(name);
  return typeof v === 'string' ? v : def;
}

export function flagBool(inv: Invocation, name: string, def = false): boolean {
  const v = inv.flags.get(name);
  return typeof v === 'boolean' ? v : def;
}

export function flagInt(inv: Invocation, name: string, def: number): number {
  const v = inv.flags.get(name);
  return typeof v === 'number' ? v : def;
}

export function flagList(inv: Invocation, name: string): string[] {
  const v = inv.flags.get(name);
  return Array.isArray(v) ? v : [];
}

/** Whether the user gave the flag at all (cobra's Flags().Changed). */
export function flagGiven(inv: Invocation, name: string): boolean {
  return inv.flags.has(name);
}
