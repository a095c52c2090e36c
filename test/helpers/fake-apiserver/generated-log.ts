// A log too big to keep as strings (benchmarks read hundreds of MiB): one
// block of numbered lines, made once and written again and again (never
// copied, so the clients are what gets measured), with backpressure so the
// server never buffers more than a block.
import type { ServerResponse } from 'node:http';
import type { LogLine } from './types.ts';

export interface GeneratedLog {
  /** Total size; rounded down to whole lines. */
  bytes: number;
  /** Every line is this long, its newline included (at least 24). */
  lineBytes: number;
}

const BLOCK_BYTES = 1 << 20;
const DIGITS = 12;
const MIN_LINE = DIGITS + 12;

/**
 * A log of `bytes` bytes for setLogs, made of blocks of lines
 * `generated 000000000001 xxx…` (numbered from 1 within each 1 MiB block).
 * Such a log honours limitBytes; tail, since, timestamps and follow do not apply to it.
 */
export function generatedLog(bytes: number, lineBytes = 100): LogLine[] {
  if (lineBytes < MIN_LINE) throw new Error(`generatedLog: lineBytes must be at least ${MIN_LINE}`);
  const marker: LogLine & { generated: GeneratedLog } = { time: new Date(), text: '', generated: { bytes, lineBytes } };
  return [marker];
}

/** The size a generated log really has: whole lines only. */
export function generatedSize(bytes: number, lineBytes = 100): number {
  return Math.floor(bytes / lineBytes) * lineBytes;
}

/** Line `n` of a block, as generated. */
export function generatedLine(n: number, lineBytes = 100): string {
  return `generated ${String(n).padStart(DIGITS, '0')} ${'x'.repeat(lineBytes - MIN_LINE)}\n`;
}

function makeBlock(lineBytes: number): Buffer {
  const lines = Math.max(1, Math.floor(BLOCK_BYTES / lineBytes));
  return Buffer.from(Array.from({ length: lines }, (_, i) => generatedLine(i + 1, lineBytes)).join(''), 'latin1');
}

/** Streams a generated log as the response body (headers already set by the caller). */
export function serveGenerated(res: ServerResponse, log: GeneratedLog, limitBytes: number | undefined): void {
  const block = makeBlock(log.lineBytes);
  let remaining = Math.min(limitBytes ?? Infinity, generatedSize(log.bytes, log.lineBytes));
  const pump = (): void => {
    while (remaining > 0 && !res.destroyed) {
      const buf = remaining >= block.length ? block : block.subarray(0, remaining);
      remaining -= buf.length;
      if (!res.write(buf)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
