/**
 * kubectl get's writers around stdout (get.go trackingWriterWrapper and
 * separatorWriterWrapper): count what was written, and put one blank line
 * before the next table once a new resource type starts.
 */
import type { Writable } from 'node:stream';

/** stdout as kubectl get writes it: counted, with a blank line between resource types. */
export class TrackingOutput {
  readonly #out: Writable;
  /** Characters written so far (kubectl counts bytes; only "any at all" matters). */
  written = 0;
  #separatorReady = false;

  constructor(out: Writable) {
    this.#out = out;
  }

  /** The separator is written before the next non-empty write. */
  separateNext(): void {
    this.#separatorReady = true;
  }

  readonly write = (text: string): void => {
    if (text.length === 0) return;
    if (this.#separatorReady) {
      this.#separatorReady = false;
      this.#out.write('\n');
      this.written++;
    }
    this.written += text.length;
    this.#out.write(text);
  };
}
