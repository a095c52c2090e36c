// Container logs as the kubelet serves them (pkg/kubelet/kuberuntime/logs,
// re-implemented after kwok's debugging_logs.go): tail, since, stream, then
// timestamps and limitBytes on the way out.

/** One line a container wrote; `time` is when the runtime saw it. */
export interface KubeletLogLine {
  time: Date;
  text: string;
  /** Which output the line came from; stdout when omitted. */
  stream?: 'stdout' | 'stderr';
}

/** PodLogOptions as the kubelet reads them from the query. */
export interface KubeletLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  /** Epoch milliseconds. */
  sinceTime?: number;
  stream?: 'All' | 'Stdout' | 'Stderr';
}

/** Lines as a string (one per `\n`) or as a list. */
export type LogInput = string | ReadonlyArray<string | KubeletLogLine>;

export function toLines(input: LogInput, now = new Date()): KubeletLogLine[] {
  const list = typeof input === 'string' ? input.split('\n') : input;
  // A trailing newline ends the last line; it does not start an empty one.
  const items = typeof input === 'string' && input.endsWith('\n') ? list.slice(0, -1) : list;
  return items.map((l) => (typeof l === 'string' ? { time: now, text: l } : l));
}

/** RFC3339NanoFixed, the kubelet's timestamp format: always nine fraction digits. */
export function formatLogTime(t: Date): string {
  return t.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Parses the kubelet's query (the legacy `tail=` included: `all` means unset); throws on a malformed number. */
export function parseKubeletQuery(q: URLSearchParams): KubeletLogOptions {
  const int = (name: string): number | undefined => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    if (!/^-?\d+$/.test(raw)) throw new Error(`invalid ${name}: ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const bool = (name: string): boolean => q.get(name) === 'true' || q.get(name) === '1';
  const tail = q.get('tail');
  const sinceTime = q.get('sinceTime');
  const stream = q.get('stream');
  if (stream !== null && stream !== 'All' && stream !== 'Stdout' && stream !== 'Stderr') throw new Error(`invalid stream: ${JSON.stringify(stream)}`);
  return {
    follow: bool('follow'),
    previous: bool('previous'),
    timestamps: bool('timestamps'),
    tailLines: int('tailLines') ?? (tail !== null && tail !== 'all' ? Number(tail) : undefined),
    limitBytes: int('limitBytes'),
    sinceSeconds: int('sinceSeconds'),
    sinceTime: sinceTime !== null ? Date.parse(sinceTime) : undefined,
    ...(stream !== null ? { stream } : {}),
  };
}

export function wantedStream(line: KubeletLogLine, opts: Pick<KubeletLogOptions, 'stream'>): boolean {
  if (!opts.stream || opts.stream === 'All') return true;
  return (line.stream ?? 'stdout') === (opts.stream === 'Stdout' ? 'stdout' : 'stderr');
}

/** The lines a request gets, before limitBytes: stream, then since, then tail. */
export function selectLines(lines: readonly KubeletLogLine[], opts: KubeletLogOptions, now: number): KubeletLogLine[] {
  const since = opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : opts.sinceTime;
  let out = lines.filter((l) => wantedStream(l, opts) && (since === undefined || l.time.getTime() >= since));
  if (opts.tailLines !== undefined) out = out.slice(out.length - Math.min(opts.tailLines, out.length));
  return out;
}

/** Renders lines as the kubelet writes them, cutting the output at limitBytes (mid-line, as the kubelet does). */
export class LogWriter {
  #remaining: number;
  readonly #opts: KubeletLogOptions;

  constructor(opts: KubeletLogOptions) {
    this.#opts = opts;
    this.#remaining = opts.limitBytes ?? Infinity;
  }

  /** The bytes for `lines`, or an empty buffer once the limit is used up. */
  render(lines: readonly KubeletLogLine[]): Buffer {
    const parts: Buffer[] = [];
    for (const line of lines) {
      if (this.#remaining <= 0) break;
      if (!wantedStream(line, this.#opts)) continue;
      const prefix = this.#opts.timestamps ? `${formatLogTime(line.time)} ` : '';
      let bytes = Buffer.from(`${prefix}${line.text}\n`);
      if (bytes.length > this.#remaining) bytes = bytes.subarray(0, this.#remaining);
      this.#remaining -= bytes.length;
      parts.push(bytes);
    }
    return Buffer.concat(parts);
  }

  done(): boolean {
    return this.#remaining <= 0;
  }
}
