// Fault injection: the first queued fault that matches a request decides how the
// request goes wrong (dropped, garbage, slow, or a canned status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { genericStatus } from './status.ts';
import type { DropFault, Fault, HugeFault, RecordedRequest, StatusFault, TrickleFault } from './types.ts';

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

function hangUpRes(res: ServerResponse, reset: boolean): void {
  if (res.socket) hangUp(res.socket, reset);
}

export const DEFAULT_GARBAGE = 'SSH-2.0-OpenSSH_9.6 not-http \u0000\u0001\u0002\r\n\r\n';

/** Closes a connection: with an RST where asked and the socket is TCP (unix sockets have none). */
function hangUp(sock: Socket, reset: boolean): void {
  if (reset && sock.remoteFamily !== undefined) sock.resetAndDestroy();
  else sock.destroy();
}

/** Makes the response cut the connection once `limit` body bytes went out. */
function cutAfter(res: ServerResponse, limit: number, reset: boolean): void {
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
    origWrite(buf.subarray(0, limit - sent), () => hangUpRes(res, reset));
    if (limit - sent === 0) hangUpRes(res, reset);
    sent = limit;
    return false;
  };
  res.write = write as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') write(chunk);
    // A body shorter than the limit still ends with a dropped connection.
    if (!cut) {
      cut = true;
      origWrite(Buffer.alloc(0), () => hangUpRes(res, reset));
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
    case 'trickle':
      return trickle(fault, req, timers);
    case 'huge':
      return sendHuge(fault, res);
  }
}

/** A list body of exactly `bytes` bytes when `bytes` is large enough; what `trickle` and `huge` send. */
function listBody(bytes: number): { head: string; fill: number; tail: string } {
  const head = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"filler","namespace":"default","annotations":{"filler":"';
  const tail = '"}},"spec":{"containers":[{"name":"app","image":"app:1"}]},"status":{"phase":"Running"}}]}\n';
  return { head, fill: Math.max(0, bytes - head.length - tail.length), tail };
}

/** Writes a response on the raw socket one byte at a time, until the peer or the server closes. */
function trickle(fault: TrickleFault, req: IncomingMessage, timers: FaultTimers): void {
  const { head, fill, tail } = listBody(4096);
  const body = head + 'x'.repeat(fill) + tail;
  const headers = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const sock = req.socket;
  let rest = fault.stage === 'headers' ? headers + body : body;
  if (fault.stage === 'body') sock.write(headers);
  const tick = (): void => {
    timers.delete(t);
    if (sock.destroyed || rest === '') return;
    sock.write(rest.slice(0, 1));
    rest = rest.slice(1);
    t = setTimeout(tick, fault.intervalMs);
    timers.add(t);
  };
  let t = setTimeout(tick, fault.intervalMs);
  timers.add(t);
  sock.once('close', () => {
    clearTimeout(t);
    timers.delete(t);
  });
}

/** Streams a valid, `bytes`-long JSON list with backpressure (the filler is one annotation). */
function sendHuge(fault: HugeFault, res: ServerResponse): void {
  const { head, fill, tail } = listBody(fault.bytes);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(head.length + fill + tail.length) });
  const block = Buffer.alloc(1 << 20, 'x');
  let left = fill;
  res.write(head);
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, block.length);
      left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

function drop(fault: DropFault, req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  if (fault.afterBytes === undefined) {
    hangUp(req.socket, fault.reset === true);
    return;
  }
  cutAfter(res, fault.afterBytes, fault.reset === true);
  handle();
}
