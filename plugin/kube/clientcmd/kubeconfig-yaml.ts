/**
 * A reader for the YAML that kubeconfig files are written in: block mappings
 * and sequences indented with spaces, plain, single- and double-quoted
 * one-line scalars, `{}` and `[]`, and comment lines; what `kubectl config`,
 * kubeadm, kind, k3s and the cloud CLIs write. Anything else (anchors, tags,
 * flow collections, block or multi-line scalars, numbers, several documents,
 * tabs, a duplicate key) is not read here: undefined sends the text to the
 * full YAML parser, which alone decides errors. Where it reads, it reads as
 * that parser does with YAML 1.1 (kubeconfig-document.ts): `yes`, `on`, `y`
 * are booleans, `~` and `null` are null. Loading the full parser costs more
 * than a short `get` spends on everything else of its kubeconfig.
 */

interface Line {
  indent: number;
  text: string;
}

/** Characters the full parser must judge: tabs, CR, controls, BOM, and YAML 1.1's other line breaks. */
const UNSAFE = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]/;
/** YAML limits an implicit key to 1024 characters; kubeconfig keys are short. */
const MAX_KEY = 256;
const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** YAML 1.1 words that resolve to something other than a string (the yaml package's yaml-1.1 schema). */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
/** A plain scalar that can only be a string: no number, date or indicator can start like this. */
const PLAIN_START = /^(?:[A-Za-z_/~\u00a0-\uffff]|\.\.?\/|-[A-Za-z-])/;
const PLAIN_UNSAFE = /: |[ ]#|:$|[[\]{},]/;
const DOUBLE_QUOTED = /^"((?:[^"\\]|\\["\\])*)"$/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;

/** Not in the subset: the full parser reads the text. */
const NOT_SIMPLE = Symbol('not simple');

class Reader {
  readonly #lines: Line[];
  #at = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  document(): unknown {
    const first = this.#lines[0];
    if (!first || first.indent !== 0 || isItem(first.text)) throw NOT_SIMPLE;
    const doc = this.#mapping(0);
    if (this.#at !== this.#lines.length) throw NOT_SIMPLE;
    return doc;
  }

  #mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.#lines[this.#at]; line && line.indent === indent && !isItem(line.text); line = this.#lines[this.#at]) {
      const m = KEY.exec(line.text);
      const key = m?.[1];
      if (!m || key === undefined || key.length > MAX_KEY || key === '__proto__' || !isString(key) || Object.hasOwn(out, key)) throw NOT_SIMPLE;
      this.#at++;
      out[key] = m[2] === undefined ? this.#nested(indent) : this.#scalarAt(m[2], indent);
    }
    const next = this.#lines[this.#at];
    // Deeper than this mapping, or a sequence item where none may start: left to the full parser.
    if (next && (next.indent > indent || (next.indent === indent && isItem(next.text)))) throw NOT_SIMPLE;
    return out;
  }

  /** The value of `key:` with nothing after it: a block below (a sequence may sit at the key's own indent), or null. */
  #nested(indent: number): unknown {
    const next = this.#lines[this.#at];
    if (!next || next.indent < indent) return null;
    if (isItem(next.text)) return this.#sequence(next.indent);
    return next.indent > indent ? this.#mapping(next.indent) : null;
  }

  #sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.#lines[this.#at]; line && line.indent === indent && isItem(line.text); line = this.#lines[this.#at]) {
      const rest = /^- +(.*)$/.exec(line.text)?.[1];
      if (rest === undefined) throw NOT_SIMPLE;
      const column = indent + line.text.length - rest.length;
      if (KEY.test(rest)) {
        // `- key: value` opens a mapping at the key's column: read it as that line.
        this.#lines[this.#at] = { indent: column, text: rest };
        out.push(this.#mapping(column));
      } else {
        this.#at++;
        out.push(this.#scalarAt(rest, indent));
      }
    }
    const next = this.#lines[this.#at];
    if (next && next.indent > indent) throw NOT_SIMPLE;
    return out;
  }

  /** A one-line scalar; a more indented line after it would continue it, which only the full parser reads. */
  #scalarAt(text: string, indent: number): unknown {
    const next = this.#lines[this.#at];
    if (next && next.indent > indent) throw NOT_SIMPLE;
    return scalar(text);
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function isString(plain: string): boolean {
  return !NULL.test(plain) && !TRUE.test(plain) && !FALSE.test(plain);
}

function scalar(text: string): unknown {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith('"')) {
    const m = DOUBLE_QUOTED.exec(text);
    if (!m) throw NOT_SIMPLE;
    return (m[1] as string).replace(/\\(["\\])/g, '$1');
  }
  if (text.startsWith("'")) {
    const m = SINGLE_QUOTED.exec(text);
    if (!m) throw NOT_SIMPLE;
    return (m[1] as string).replaceAll("''", "'");
  }
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (!PLAIN_START.test(text) || PLAIN_UNSAFE.test(text)) throw NOT_SIMPLE;
  return text;
}

/** The first document of `text` as the full parser would read it, or undefined when it is not in the subset. */
export function readKubeconfigYaml(text: string): unknown {
  if (UNSAFE.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const body = raw.replace(/ +$/, '');
    const indent = body.length - body.replace(/^ +/, '').length;
    if (indent === body.length || body[indent] === '#') continue;
    lines.push({ indent, text: body.slice(indent) });
  }
  try {
    return new Reader(lines).document();
  } catch (err) {
    if (err === NOT_SIMPLE) return undefined;
    throw err;
  }
}
