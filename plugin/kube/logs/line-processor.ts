// Line-level work on a log stream, done only when needed: holding back a
// partial line so concurrent streams never interleave mid-line (kubectl's
// prefixingWriter contract), the `[pod/NAME/CONTAINER] ` prefix, and, for -f
// resume, the timestamps asked for internally: remembered, then stripped.

const NL = 0x0a;
const SPACE = 0x20;

export interface LineProcessorOptions {
  /** Bytes put before every line. */
  prefix?: Buffer;
  /** The server prefixes each line with its timestamp: track it (for resume). */
  timestamped: boolean;
  /** ...and remove it from the output (the user did not ask for --timestamps). */
  stripTimestamps: boolean;
}

/** Where a dropped stream picks up: stern's ResumeRequest (a second, and lines of it already printed). */
export interface ResumePoint {
  /** RFC3339 without the fraction: PodLogOptions.sinceTime's precision. */
  second: string;
  lines: number;
}

/** RFC3339Nano to RFC3339: the fraction removed (stern removeSubsecond). */
export function wholeSecond(ts: string): string {
  return ts.replace(/\.\d+/, '');
}

export class LineProcessor {
  readonly #prefix: Buffer | undefined;
  readonly #timestamped: boolean;
  readonly #strip: boolean;
  #carry: Buffer | undefined;
  /** The last second printed and how many of its lines were printed. */
  #last: ResumePoint | undefined;
  /** Lines to skip on a resumed stream: the server repeats the whole second. */
  #skip: ResumePoint | undefined;

  constructor(opts: LineProcessorOptions) {
    this.#prefix = opts.prefix && opts.prefix.length > 0 ? opts.prefix : undefined;
    this.#timestamped = opts.timestamped;
    this.#strip = opts.stripTimestamps;
  }

  /** The complete lines of `chunk` (after any carried partial line), transformed; the incomplete rest is kept. */
  push(chunk: Buffer): Buffer | undefined {
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    const end = data.lastIndexOf(NL) + 1;
    this.#carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    if (end === 0) return undefined;
    const whole = data.subarray(0, end);
    if (!this.#prefix && !this.#timestamped) return whole;
    if (!this.#timestamped) return this.#prefixAll(whole);
    return this.#eachLine(whole);
  }

  /** The carried partial line at the end of a stream (kubectl writes it, without a newline). */
  flush(): Buffer | undefined {
    const rest = this.#carry;
    this.#carry = undefined;
    if (!rest || rest.length === 0) return undefined;
    if (!this.#prefix && !this.#timestamped) return rest;
    return this.#timestamped ? this.#eachLine(rest) : Buffer.concat([this.#prefix as Buffer, rest]);
  }

  /** Forgets a partial line: after a drop it comes again, whole, on the resumed stream. */
  discardPartial(): void {
    this.#carry = undefined;
  }

  /** Where to resume, or undefined when no line was printed yet (the original request still fits). */
  resumePoint(): ResumePoint | undefined {
    return this.#last && { ...this.#last };
  }

  /** The next stream starts at `from.second`: skip the lines of it already printed. */
  resumeFrom(from: ResumePoint): void {
    this.#skip = { ...from };
  }

  /** Prefix only: one allocation per chunk, no per-line strings. */
  #prefixAll(whole: Buffer): Buffer {
    const prefix = this.#prefix as Buffer;
    let lines = 0;
    for (let i = whole.indexOf(NL); i !== -1; i = whole.indexOf(NL, i + 1)) lines++;
    const out = Buffer.allocUnsafe(whole.length + lines * prefix.length);
    let at = 0;
    let from = 0;
    while (from < whole.length) {
      const nl = whole.indexOf(NL, from);
      const to = nl === -1 ? whole.length : nl + 1;
      at += prefix.copy(out, at);
      at += whole.copy(out, at, from, to);
      from = to;
    }
    return out;
  }

  #eachLine(whole: Buffer): Buffer | undefined {
    const parts: Buffer[] = [];
    let from = 0;
    while (from < whole.length) {
      const nl = whole.indexOf(NL, from);
      const to = nl === -1 ? whole.length : nl + 1;
      const kept = this.#timestampedLine(whole.subarray(from, to));
      if (kept) {
        if (this.#prefix) parts.push(this.#prefix);
        parts.push(kept);
      }
      from = to;
    }
    return parts.length > 0 ? Buffer.concat(parts) : undefined;
  }

  /** One `TIMESTAMP text` line: remembered for resume, skipped if already printed, stripped unless wanted. */
  #timestampedLine(line: Buffer): Buffer | undefined {
    const sp = line.indexOf(SPACE);
    if (sp <= 0) return line;
    const second = wholeSecond(line.toString('latin1', 0, sp));
    const skip = this.#skip;
    if (skip && skip.second === second && skip.lines > 0) {
      skip.lines--;
      return undefined;
    }
    this.#skip = undefined;
    if (this.#last?.second === second) this.#last.lines++;
    else this.#last = { second, lines: 1 };
    return this.#strip ? line.subarray(sp + 1) : line;
  }
}
