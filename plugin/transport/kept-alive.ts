/**
 * Go's http.Transport sends a request on a kept-alive connection when it has
 * one. If the server had closed that connection meanwhile and the request
 * fails before the first byte of an answer, the transport sends it again at
 * once on a new connection, without a word and below client-go's own retries
 * (persistConn.shouldRetryRequest: a reused connection, a replayable
 * request). kubectl gets an answer there where the next failure would have
 * been its error, so kubectl-sock's clients model that idle connection: one
 * exists once an answer was read to its end, and is gone after a failure.
 * (kubectl-sock's own connections differ: one undici connection, or one per
 * GET on the direct path; the model is the same for both.)
 */
import type { Readable } from 'node:stream';
import { ConnectError } from '../errors.ts';

/** Go's Request.isReplayable: an idempotent method, or an Idempotency-Key, and a body that can be sent again. */
export function isReplayable(method: string, headers: Readonly<Record<string, unknown>> | undefined, streamedBody: boolean): boolean {
  if (streamedBody) return false;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE') return true;
  const names = Object.keys(headers ?? {}).map((k) => k.toLowerCase());
  return names.includes('idempotency-key') || names.includes('x-idempotency-key');
}

/** A connection closed before any answer (Go reads EOF or a reset where the status line should be). */
function closedBeforeAnswer(err: unknown): boolean {
  return err instanceof ConnectError && err.detail === 'EOF';
}

/** One client's idle keep-alive connection, as Go's transport would hold it. */
export class KeptAlive {
  #idle = false;

  /** Sends; once more at once when an idle connection turned out closed. `send` throws ConnectErrors. */
  async roundTrip<T>(replayable: boolean, send: () => Promise<T>): Promise<T> {
    const reused = this.#idle;
    this.#idle = false;
    try {
      return await send();
    } catch (err) {
      if (!reused || !replayable || !closedBeforeAnswer(err)) throw err;
      return send();
    }
  }

  /** The connection is idle again once `body` was read to its end (not when it broke or was dropped). */
  watch(body: Readable): void {
    body.once('end', () => (this.#idle = true));
  }

  /** The body was read to its end (for bodies that are not Readables). */
  idle(): void {
    this.#idle = true;
  }

  /** The connection was closed on purpose. */
  forget(): void {
    this.#idle = false;
  }
}
