// One log stream, from request to stdout: bytes are written as they arrive,
// with backpressure and no buffering of the whole stream. A followed stream
// that drops is resumed from the last printed line's timestamp.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ApiError, SockError } from '../../errors.ts';
import { LineProcessor } from './line-processor.ts';
import type { LogsClient, OpenedStream } from './logs-client.ts';
import { logQuery, type PodLogParams } from './options.ts';
import { prefixOf, type LogTarget } from './targets.ts';

export interface StreamContext {
  client: LogsClient;
  out: Writable;
  /** Aborted on Ctrl-C, or when a sibling stream failed. */
  signal: AbortSignal;
  now(): number;
}

export interface StreamPlan {
  target: LogTarget;
  /** PodLogOptions for this container. */
  params: PodLogParams;
  prefix: boolean;
  /** Several streams share stdout: hold partial lines back so lines never interleave. */
  wholeLines: boolean;
  /** -f without --limit-bytes: ask for timestamps, resume after a drop. */
  resumable: boolean;
  /** How long reconnecting may take before the stream gives up (--pod-running-timeout). */
  retryWindowMs: number;
}

/** Go's io.ErrUnexpectedEOF, which kubectl prints when a stream breaks off. */
export class UnexpectedEofError extends SockError {
  constructor() {
    super('E_UNEXPECTED_EOF', 'unexpected EOF');
  }
}

function logPath(target: LogTarget): string {
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log`;
}

/** GET …/pods/{name}/log for one container; a non-2xx answer throws kubectl's error. */
export function openLog(sc: StreamContext, target: LogTarget, params: PodLogParams): Promise<OpenedStream> {
  const query = logQuery({ ...params, container: target.container });
  return sc.client.stream({ path: logPath(target), query, about: { resource: 'pods', name: target.pod } }, sc.signal);
}

/** Writes and waits until the bytes are handed to the OS: the buffer may be reused afterwards. */
function writeFlushed(out: Writable, buf: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    out.write(buf, (err) => {
      signal.removeEventListener('abort', abort);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Writes, then waits for 'drain' when the destination is full: memory stays flat whatever the log size. */
export async function writeOut(out: Writable, buf: Buffer, signal: AbortSignal): Promise<void> {
  if (!out.write(buf)) await once(out, 'drain', { signal });
}

function needsLines(plan: StreamPlan): boolean {
  return plan.prefix || plan.wholeLines || plan.resumable;
}

/** Reads one stream to its end (or, with -f, for as long as it lasts). */
export async function consumeStream(sc: StreamContext, plan: StreamPlan): Promise<void> {
  const lines = needsLines(plan)
    ? new LineProcessor({
        prefix: plan.prefix ? Buffer.from(prefixOf(plan.target)) : undefined,
        timestamped: plan.resumable,
        stripTimestamps: plan.resumable && !plan.params.timestamps,
      })
    : undefined;
  const first: PodLogParams = plan.resumable ? { ...plan.params, timestamps: true } : plan.params;
  let params = first;
  let droppedAt: number | undefined;
  for (let failures = 0; ; failures++) {
    let res: OpenedStream;
    try {
      res = await openLog(sc, plan.target, params);
    } catch (err) {
      if (droppedAt === undefined || sc.signal.aborted) throw err;
      // The pod went away while we reconnected: its stream is over.
      if (err instanceof ApiError && err.status === 404) return;
      if (sc.now() - droppedAt >= plan.retryWindowMs) throw err;
      await sleep(backoff(failures), sc.signal);
      continue;
    }
    let gotData = false;
    const outcome = await pump(res, sc, lines, () => (gotData = true));
    if (outcome === 'ended') return flushRest(sc, lines);
    if (!plan.resumable || !lines) {
      await flushRest(sc, lines);
      throw new UnexpectedEofError();
    }
    lines.discardPartial();
    if (gotData) {
      droppedAt = undefined;
      failures = -1;
    }
    droppedAt ??= sc.now();
    if (sc.now() - droppedAt >= plan.retryWindowMs) throw new UnexpectedEofError();
    if (!gotData) await sleep(backoff(failures), sc.signal);
    params = resumeParams(first, lines);
  }
}

/** Reconnects come quickly at first, then at most every 2 s. */
function backoff(failures: number): number {
  return Math.min(100 * 2 ** Math.max(0, failures), 2000);
}

/** The request that picks up after the last printed line: sinceTime at its second, no tail, no since. */
function resumeParams(first: PodLogParams, lines: LineProcessor): PodLogParams {
  const from = lines.resumePoint();
  if (!from) return first;
  lines.resumeFrom(from);
  const { tailLines: _t, sinceSeconds: _s, ...rest } = first;
  return { ...rest, sinceTime: from.second };
}

async function flushRest(sc: StreamContext, lines: LineProcessor | undefined): Promise<void> {
  const rest = lines?.flush();
  if (rest) await writeOut(sc.out, rest, sc.signal);
}

/**
 * Copies a response body to stdout, through the line processor when there is
 * one. 'ended' at a clean end; 'dropped' when the connection broke off.
 */
async function pump(res: OpenedStream, sc: StreamContext, lines: LineProcessor | undefined, onData: () => void): Promise<'ended' | 'dropped'> {
  if (!lines && res.pipeTo) return pipeBytes(res, res.pipeTo, sc, onData);
  const stop = (): void => res.close();
  sc.signal.addEventListener('abort', stop, { once: true });
  // An abort before the listener was there would never be heard.
  if (sc.signal.aborted) stop();
  try {
    let seen = false;
    for await (const chunk of res.body) {
      if (!seen) {
        seen = true;
        onData();
      }
      const buf = lines ? lines.push(chunk) : chunk;
      if (!buf) continue;
      if (res.reusesBuffers) await writeFlushed(sc.out, buf, sc.signal);
      else await writeOut(sc.out, buf, sc.signal);
    }
    return 'ended';
  } catch (err) {
    if (sc.signal.aborted) throw sc.signal.reason ?? err;
    if (isWriteError(err)) throw err;
    // --request-timeout ran out while the body arrived: not a drop to resume; kubectl prints Go's error as is.
    if (isTimeout(err)) throw new SockError('E_TIMEOUT', 'context deadline exceeded (Client.Timeout or context cancellation while reading body)');
    return 'dropped';
  } finally {
    sc.signal.removeEventListener('abort', stop);
    res.close();
  }
}

/**
 * A log that needs no line work (no --prefix, --timestamps resume or line
 * interleaving), read by the direct reader: a byte pipe from the socket to
 * stdout, with no promise, copy or check per piece. The reader stops on Ctrl-C itself.
 */
async function pipeBytes(res: OpenedStream, pipeTo: NonNullable<OpenedStream['pipeTo']>, sc: StreamContext, onData: () => void): Promise<'ended' | 'dropped'> {
  blockingWhenPipe(sc.out);
  try {
    return await pipeTo(sc.out, onData);
  } catch (err) {
    throw sc.signal.aborted ? (sc.signal.reason ?? err) : err;
  } finally {
    res.close();
  }
}

/**
 * Node writes a terminal and a file synchronously on Linux but a pipe
 * without blocking: into a full pipe each write then ends in EAGAIN and a
 * wait for it to drain, four to six system calls per piece where curl and
 * kubectl make one blocking write(2). For a plain copy the event loop has
 * nothing else to do meanwhile, so stdout blocks as a terminal would (libuv
 * uv_stream_set_blocking; a closed reader still ends the write with EPIPE).
 */
function blockingWhenPipe(out: Writable): void {
  const handle = (out as Writable & { _handle?: { setBlocking?: (on: boolean) => number } })._handle;
  if (handle?.constructor?.name === 'Pipe') handle.setBlocking?.(true);
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; cause?: { name?: string } } | undefined;
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
}

/** An error of stdout itself (EPIPE and the like), not of the connection. */
function isWriteError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = (): void => {
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
