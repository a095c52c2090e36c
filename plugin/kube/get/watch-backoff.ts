/**
 * client-go's reflector backoff (wait.NewExponentialBackoffManager(800ms,
 * 30s, 2m, 2.0, 1.0)): 0.8 s doubling up to 30 s, each wait jittered up to
 * twice as long, so a broken server sees at most one request in [30, 60) s
 * once it has failed for a while (0.22 QPS, client-go's comment says); the
 * sequence starts over once two minutes pass without a backoff.
 */
const INITIAL_MS = 800;
const CAP_MS = 30_000;
const RESET_MS = 120_000;
const FACTOR = 2;
const JITTER = 1;

export class ReflectorBackoff {
  readonly #now: () => number;
  readonly #random: () => number;
  #duration = INITIAL_MS;
  #steps = Number.MAX_SAFE_INTEGER;
  #lastStart: number;

  constructor(now: () => number = Date.now, random: () => number = Math.random) {
    this.#now = now;
    this.#random = random;
    this.#lastStart = now();
  }

  /** exponentialBackoffManagerImpl.getNextBackoff, then wait.Backoff.Step: the next wait in ms. */
  next(): number {
    const now = this.#now();
    if (now - this.#lastStart > RESET_MS) {
      this.#steps = Number.MAX_SAFE_INTEGER;
      this.#duration = INITIAL_MS;
    }
    this.#lastStart = now;
    if (this.#steps < 1) return this.#jitter(this.#duration);
    this.#steps--;
    const duration = this.#duration;
    this.#duration *= FACTOR;
    if (this.#duration > CAP_MS) {
      this.#duration = CAP_MS;
      this.#steps = 0;
    }
    return this.#jitter(duration);
  }

  /** wait.Jitter: duration plus up to JITTER times itself. */
  #jitter(ms: number): number {
    return ms + this.#random() * JITTER * ms;
  }
}
