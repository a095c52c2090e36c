import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { openLogFile } from './log-file.ts';

/** One finished request (or upgraded connection), as --access-log writes it. */
export interface AccessRecord {
  /** When the request arrived. */
  time: Date;
  method: string;
  /** The request-target as the client sent it: path and query. */
  path: string;
  status: number;
  /** Response body bytes sent to the client (for an upgrade: bytes relayed to it). */
  bytes: number;
  durationMs: number;
}

/** A request in progress: what its record will say once it ends. */
export interface Exchange {
  time: Date;
  /** performance.now() at arrival. */
  started: number;
  method: string;
  path: string;
  status: number;
  bytes: number;
}

/** Records a finished exchange. */
export function logExchange(log: AccessLog, x: Exchange): void {
  log.write({ time: x.time, method: x.method, path: x.path, status: x.status, bytes: x.bytes, durationMs: performance.now() - x.started });
}

/** Where access records go; a no-op without --access-log. */
export interface AccessLog {
  write(r: AccessRecord): void;
  close(): Promise<void>;
}

/** The JSON line of one record: fixed key order, duration in milliseconds to the microsecond. */
export function formatRecord(r: AccessRecord): string {
  return `${JSON.stringify({
    time: r.time.toISOString(),
    method: r.method,
    path: r.path,
    status: r.status,
    bytes: r.bytes,
    duration_ms: Math.round(r.durationMs * 1000) / 1000,
  })}\n`;
}

/** Without --access-log. */
export const noAccessLog: AccessLog = { write() {}, close: () => Promise.resolve() };

/**
 * Opens --access-log: `-` is stderr; a file is appended to, owner-only
 * (log-file.ts: created 0600, never through a symbolic link, never another
 * user's file or one others may read). Lines are appended in one write
 * each, so a reader never sees half a line.
 */
export async function openAccessLog(target: string, cwd: string, errOut: Writable, uid: number): Promise<AccessLog> {
  if (target === '') return noAccessLog;
  if (target === '-') return { write: (r) => void errOut.write(formatRecord(r)), close: () => Promise.resolve() };
  return fileLog(await openLogFile(resolve(cwd, target), 'access log', uid));
}

/** Appends in order through one promise chain; close waits for the lines already written. */
function fileLog(fh: FileHandle): AccessLog {
  let pending: string[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    flushing = flushing.then(() => fh.appendFile(text)).catch(() => undefined);
  };
  return {
    write(r) {
      // Batch the lines of one tick into one write: hundreds of requests end together under load.
      if (pending.length === 0) queueMicrotask(flush);
      pending.push(formatRecord(r));
    },
    async close() {
      flush();
      await flushing;
      await fh.close().catch(() => undefined);
    },
  };
}
