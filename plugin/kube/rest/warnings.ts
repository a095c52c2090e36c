import type { Ctx } from '../../context.ts';

/**
 * Server warnings (the Warning response header), as kubectl's warning handler
 * writes them (client-go rest.NewWarningWriter with Deduplicate): each 299
 * warning once per command, "Warning: <text>" on stderr, yellow on a terminal;
 * counted for --warnings-as-errors (kubectl's PersistentPostRunE).
 */
export class WarningWriter {
  count = 0;
  readonly #seen = new Set<string>();
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly #color: boolean;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>) {
    this.#out = out;
    // term.AllowsColorOutput: a terminal whose TERM is not "dumb".
    this.#color = out.isTTY === true && env['TERM'] !== 'dumb';
  }

  /** The Warning header values of one response. */
  handle(header: string | string[] | undefined): void {
    if (header === undefined) return;
    for (const w of parseWarningHeaders(Array.isArray(header) ? header : [header])) {
      if (w.code !== 299 || w.text === '' || this.#seen.has(w.text)) continue;
      this.#seen.add(w.text);
      this.count++;
      this.#out.write(this.#color ? `\u001b[33;1mWarning:\u001b[0m ${w.text}\n` : `Warning: ${w.text}\n`);
    }
  }
}

const writers = new WeakMap<Ctx, WarningWriter>();

/** The one warning writer of a command run (its ctx). */
export function warningWriterOf(ctx: Ctx): WarningWriter {
  let w = writers.get(ctx);
  if (!w) {
    w = new WarningWriter(ctx.streams.errOut, ctx.env);
    writers.set(ctx, w);
  }
  return w;
}

/** Warnings written so far in this command run (0 when none was received). */
export function warningCount(ctx: Ctx): number {
  return writers.get(ctx)?.count ?? 0;
}

export interface WarningHeader {
  code: number;
  agent: string;
  text: string;
}

/**
 * apimachinery's ParseWarningHeaders: `code agent "text" ["date"]`, several per
 * header separated by commas; a malformed one ends that header's parsing.
 */
export function parseWarningHeaders(headers: readonly string[]): WarningHeader[] {
  const out: WarningHeader[] = [];
  for (let header of headers) {
    while (header.length > 0) {
      const one = parseOne(header);
      if (!one) break;
      out.push(one.warning);
      header = one.rest;
    }
  }
  return out;
}

function parseOne(input: string): { warning: WarningHeader; rest: string } | undefined {
  const header = input.trim();
  const first = header.indexOf(' ');
  const second = first < 0 ? -1 : header.indexOf(' ', first + 1);
  if (second < 0) return undefined;
  const code = header.slice(0, first);
  const agent = header.slice(first + 1, second);
  if (!/^[0-9]{3}$/.test(code) || agent === '' || hasControl(agent)) return undefined;
  const quoted = quotedString(header.slice(second + 1));
  if (!quoted || hasControl(quoted.text)) return undefined;
  let rest = quoted.rest;
  if (rest.startsWith('"')) {
    const end = rest.indexOf('"', 1);
    if (end < 0) return undefined;
    rest = rest.slice(end + 1).trim();
  }
  if (rest.length > 0) {
    if (rest[0] !== ',') return undefined;
    rest = rest.slice(1).trim();
  }
  return { warning: { code: Number(code), agent, text: quoted.text }, rest };
}

/** A quoted string with backslash escapes, and what follows it (trimmed). */
function quotedString(s: string): { text: string; rest: string } | undefined {
  if (!s.startsWith('"')) return undefined;
  let text = '';
  let escaping = false;
  for (let i = 1; i < s.length; i++) {
    const c = s[i] as string;
    if (escaping) {
      text += c;
      escaping = false;
    } else if (c === '\\') {
      escaping = true;
    } else if (c === '"') {
      return { text, rest: s.slice(i + 1).trim() };
    } else {
      text += c;
    }
  }
  return undefined;
}

function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(s);
}
