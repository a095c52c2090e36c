// Fault injection: the first queued fault that matches a request decides how the
// request goes wrong (dropped, garbage, slow, or a canned status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { genericStatus } from './status.ts';
import type { DropFault, Fault, RecordedRequest, StatusFault } from './types.ts';

/** Takes the first fault that matches, leaving it queued while `times` remain. */
export function takeFault(faults: Fault[], rec: RecordedRequest): Fault | undefined {
  const i = faults.findIndex((f) => f.match === undefined || f.match(rec));
  if (i < 0) return undefined;
  const fault = faults[i] as Fault;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) faults.splice(i, 1);
  else fault.times = left;
  return fault;
}

export const DEFAULT_GARBAGE = 'SSH-2.0-OpenSSH_9.6 not-http \u0000\u0001\u0002\r\n\r\n';

/** Makes the response cut the connection once `limit` body bytes went out. */
function cutAfter(res: ServerResponse, limit: number): void {
  const origWrite = res.write.bind(res) as (chunk: Uint8Array, cb?: () => void) => boolean;
  let sent = 0;
  let cut = false;
  const write = (chunk: unknown): boolean => {
    if (cut) return false;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    if (sent + buf.length < limit) {
      sent += buf.length;
      return origWrite(buf);
    }
    cut = true;
    // Destroy only once the allowed bytes are flushed, so the client sees them.
    origWrite(buf.subarray(0, limit - sent), () => res.socket?.destroy());
    if (limit - sent === 0) res.socket?.destroy();
    sent = limit;
    return false;
  };
  res.write = write as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') write(chunk);
    // A body shorter than the limit still ends with a dropped connection.
    if (!cut) {
      cut = true;
      origWrite(Buffer.alloc(0), () => res.socket?.destroy());
    }
    return res;
  }) as typeof res.end;
}

function sendStatusFault(res: ServerResponse, f: StatusFault): void {
  for (const [k, v] of Object.entries(f.headers ?? {})) res.setHeader(k, v);
  res.statusCode = f.code;
  if (f.body === undefined || typeof f.body === 'object') {
    res.setHeader('Content-Type', f.contentType ?? 'application/json');
    res.end(JSON.stringify(f.body ?? genericStatus(f.code)) + '\n');
    return;
  }
  res.setHeader('Content-Type', f.contentType ?? 'text/plain; charset=utf-8');
  res.end(f.body);
}

export interface FaultTimers {
  add(t: NodeJS.Timeout): void;
  delete(t: NodeJS.Timeout): void;
}

/** Runs `handle` as the fault allows: now, later, wrapped, or not at all. */
export function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, handle: () => void, timers: FaultTimers): void {
  switch (fault.kind) {
    case 'drop':
      return drop(fault, req, res, handle);
    case 'garbage':
      req.socket.end(fault.bytes ?? DEFAULT_GARBAGE);
      return;
    case 'slow': {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!req.socket.destroyed) handle();
      }, fault.delayMs);
      timers.add(t);
      return;
    }
    case 'status':
      return sendStatusFault(res, fault);
  }
}

function drop(fault: DropFault, req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  if (fault.afterBytes === undefined) {
    req.socket.destroy();
    return;
  }
  cutAfter(res, fault.afterBytes);
  handle();
}
