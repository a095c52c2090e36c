
/** Verbose logging as kubectl's -v=N (klog): lines go to stderr only at or below the chosen level. */
export interface Klog {
  readonly level: number;
  /** Writes one klog-style line if `v` <= the chosen level. `source` stands where klog puts file:line. */
  info(v: number, source: string, message: string): void;
  /** Writes an E line whatever the level, as klog.ErrorS does. */
  error(source: string, message: string): void;
}

/** A klog header: `I1123 17:32:28.939447    5031 source] message`. */
export function newKlog(level: number, out: { write(line: string): unknown }, now: () => Date, pid: number): Klog {
  const write = (severity: 'I' | 'E', source: string, message: string): void => {
    const d = now();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const micros = String(d.getMilliseconds() * 1000).padStart(6, '0');
    const stamp = `${p2(d.getMonth() + 1)}${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${micros}`;
    out.write(`${severity}${stamp} ${String(pid).padStart(7)} ${source}] ${message}\n`);
  };
  return {
    level,
    info(v, source, message) {
      if (v <= level) write('I', source, message);
    },
    error: (source, message) => write('E', source, message),
  };
}
