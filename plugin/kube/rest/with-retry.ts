/**
 * client-go's retry rules for one rest.Request (rest/with_retry.go and the
 * three loops of rest/request.go), so that kubectl-sock gives up, waits and
 * logs exactly where kubectl does:
 *
 * - `request` (Request.Do/DoRaw: get, discovery, a pod before its log): a GET
 *   that failed with EOF, an unexpected EOF, a connection reset or a lost
 *   HTTP/2 connection is retried; any request whose answer is 429 or 5xx with
 *   a whole-seconds Retry-After is retried after that many seconds.
 * - `watch` (Request.Watch): a probable EOF or a timeout is retried; so is a
 *   429/5xx with Retry-After.
 * - `stream` (Request.Stream: a log): only a 429/5xx with Retry-After.
 *
 * At most 10 retries (maxRetries). A retryable error waits 1 s, the
 * artificial "Retry-After: 1" client-go makes for it. The retries share the
 * request's deadline (--request-timeout), which also cuts a wait short.
 */
import { ConnectError, SockError } from '../../errors.ts';
import type { Klog } from '../../klog.ts';
import { formatGoDuration } from '../../cli/duration.ts';

/** rest.Request's maxRetries default. */
export const MAX_RETRIES = 10;

/** Which of client-go's request loops a request goes through. */
export type RetryKind = 'request' | 'watch' | 'stream';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * retryAfterSeconds: the Retry-After header as strconv.Atoi reads it (an
 * optional sign and decimal digits, within int64); an HTTP date, a fraction
 * or anything else is no Retry-After at all.
 */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const raw = headers['retry-after'];
  // Go's Header.Get: the first value, with the surrounding blanks textproto trims.
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value || !/^[+-]?\d+$/.test(value)) return undefined;
  const n = BigInt(value);
  if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) return undefined;
  return Number(n);
}

/** checkWait: only a 429 or a 5xx may ask for a wait. */
export function checkWait(status: number, headers: Headers): number | undefined {
  if (status !== 429 && status < 500) return undefined;
  return retryAfterSeconds(headers);
}

/**
 * net.IsProbableEOF, IsConnectionReset and IsHTTP2ConnectionLost read Go's
 * error text; kubectl-sock words its transport errors as Go does
 * (transport/connect-error.ts), so the same test applies to the same words.
 */
function isProbableEOF(detail: string): boolean {
  return detail === 'EOF' || detail === 'unexpected EOF' ||
    detail === "http: can't write HTTP request on broken connection" ||
    detail.includes('http2: server sent GOAWAY and closed the connection') ||
    detail.includes('connection reset by peer') ||
    detail.toLowerCase().includes('use of closed network connection');
}

/** Whether client-go retries a request that failed without an answer. */
export function isRetryableError(kind: RetryKind, method: string, err: unknown): boolean {
  if (!(err instanceof ConnectError)) return false;
  if (kind === 'request') return method === 'GET' && (isProbableEOF(err.detail) || err.detail.includes('http2: client connection lost'));
  if (kind === 'watch') return isProbableEOF(err.detail) || err.failure === 'timeout';
  return false;
}

/** What an attempt ended with: an answer (status and headers), or an error. */
export type Outcome = { status: number; headers: Headers } | { error: unknown };

/** The wait before the next attempt, and why (for the -v=4 line). */
export interface RetryAfter {
  waitSeconds: number;
  attempt: number;
}

/** Go's error text of a failure, as wrapPreviousError quotes it (a *url.Error's inner error). */
function innerText(err: unknown): string {
  if (err instanceof ConnectError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

/**
 * withRetry: counts attempts, decides whether to retry after each, and keeps
 * the two most recent errors so that the final one can name the earlier cause.
 */
export class WithRetry {
  readonly #kind: RetryKind;
  readonly #method: string;
  readonly #url: string;
  #attempts = 0;
  #previous: unknown;
  #current: unknown;

  constructor(kind: RetryKind, method: string, url: string) {
    this.#kind = kind;
    this.#method = method;
    this.#url = url;
  }

  /** IsNextRetry: the wait before another attempt, or undefined to stop here. */
  next(o: Outcome, replayable: boolean): RetryAfter | undefined {
    this.#track('error' in o ? o.error : undefined);
    // A body read from a stream cannot be sent again (client-go: an opaque reader is never retried).
    if (!replayable) return undefined;
    this.#attempts++;
    if (this.#attempts > MAX_RETRIES) return undefined;
    if ('error' in o) {
      return isRetryableError(this.#kind, this.#method, o.error) ? { waitSeconds: 1, attempt: this.#attempts } : undefined;
    }
    const wait = checkWait(o.status, o.headers);
    return wait === undefined ? undefined : { waitSeconds: wait, attempt: this.#attempts };
  }

  /** Records the error that ended a wait (the request's deadline). */
  interrupted(err: unknown): void {
    this.#track(err);
  }

  /**
   * WrapPreviousError: the final error, followed by the previous attempt's
   * when they differ ("… - error from a previous attempt: EOF"). Go prints the
   * result as it is: kubectl's "Unable to connect to the server" is only for a
   * bare *url.Error.
   */
  wrapPreviousError(err: unknown): unknown {
    const previous = this.#previous;
    if (err === undefined || previous === undefined) return err;
    const current = err instanceof ConnectError ? `${this.#method.charAt(0)}${this.#method.slice(1).toLowerCase()} ${JSON.stringify(this.#url)}: ${err.detail}` : innerText(err);
    const before = innerText(previous);
    if (err instanceof ConnectError && previous instanceof ConnectError && err.detail === previous.detail) return err;
    if (current === before) return err;
    return new SockError('E_RETRY', `${current} - error from a previous attempt: ${before}`);
  }

  #track(err: unknown): void {
    if (this.#current !== undefined) this.#previous = this.#current;
    this.#current = err;
  }
}

/** What the retry loop needs besides the attempt itself. */
export interface RetryLoop {
  kind: RetryKind;
  method: string;
  /** The request's URL as -v lines show it. */
  url: string;
  /** Whether the request can be sent again (no streamed body). */
  replayable: boolean;
  klog: Klog;
  /** The command's signal (Ctrl-C). */
  signal: AbortSignal;
  /** The request's own deadline (--request-timeout), when it has one. */
  deadline?: AbortSignal;
  /** Waits; a seam for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** An answer the loop may throw away before retrying. */
export interface Answer {
  status: number;
  headers: Headers;
  /** readAndCloseResponseBody: drop the body of an answer that is retried. */
  discard(): void;
}

/**
 * Runs `attempt` until it gives an answer that is not to be retried, or fails
 * in a way that is not; the last answer is returned, the last error thrown.
 */
export async function retrying<A extends Answer>(loop: RetryLoop, attempt: () => Promise<A>): Promise<A> {
  const retry = new WithRetry(loop.kind, loop.method, loop.url);
  const sleep = loop.sleep ?? sleepFor;
  for (;;) {
    let answer: A;
    try {
      answer = await attempt();
    } catch (err) {
      if (loop.signal.aborted) throw err;
      const after = retry.next({ error: err }, loop.replayable);
      if (!after) throw retry.wrapPreviousError(err);
      await wait(loop, retry, after, sleep);
      continue;
    }
    const after = retry.next(answer, loop.replayable);
    if (!after) return answer;
    answer.discard();
    await wait(loop, retry, after, sleep);
  }
}

/** withRetry.Before: sleep, stop if the deadline passed meanwhile, then log the retry. */
async function wait(loop: RetryLoop, retry: WithRetry, after: RetryAfter, sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
  if (loop.deadline?.aborted) throw stopped(retry, 'context deadline exceeded');
  const stop = loop.deadline ? AbortSignal.any([loop.signal, loop.deadline]) : loop.signal;
  if (after.waitSeconds > 0) await sleep(after.waitSeconds * 1000, stop);
  if (loop.signal.aborted) throw loop.signal.reason;
  // After the wait, the client-side rate limiter is asked, and refuses once the context is done.
  if (loop.deadline?.aborted) throw stopped(retry, 'client rate limiter Wait returned an error: context deadline exceeded');
  loop.klog.info(4, 'with_retry.ts', `"Got a Retry-After response" delay="${formatGoDuration(after.waitSeconds * 1000)}" attempt=${after.attempt} url="${loop.url}"`);
}

/** The error that ends the retries when the request's deadline has passed. */
function stopped(retry: WithRetry, message: string): unknown {
  const err = new SockError('E_RETRY', message);
  retry.interrupted(err);
  return retry.wrapPreviousError(err);
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
