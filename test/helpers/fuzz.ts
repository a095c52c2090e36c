// Short and long modes of the hardening tiers. `make test` runs them short and
// deterministic (a fixed seed, so CI is repeatable); `make fuzz` sets
// KSOCK_FUZZ=1 for long runs with a fresh seed, printed so a failure can be
// replayed with KSOCK_FUZZ_SEED.
export const fuzzMode = process.env['KSOCK_FUZZ'] === '1';

const seedFromEnv = process.env['KSOCK_FUZZ_SEED'];
export const fuzzSeed: number = seedFromEnv !== undefined
  ? Number(seedFromEnv)
  : fuzzMode ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : 20261123;

if (fuzzMode || seedFromEnv !== undefined) process.stderr.write(`fuzz: seed ${fuzzSeed} (replay with KSOCK_FUZZ_SEED=${fuzzSeed})\n`);

/** Runs for one property: `short` under `make test`, `long` under `make fuzz`. */
export function fuzzRuns(short: number, long = short * 100): number {
  return fuzzMode ? long : short;
}

/** A small deterministic PRNG in [0, 1) (mulberry32): the same numbers for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The run's seeded source, one stream per `salt`: the same numbers for the same
 * seed and salt, so `make test` picks the same timings and mixes every run.
 */
export function seededRandom(salt = 0): () => number {
  return mulberry32(fuzzSeed ^ Math.imul(salt + 1, 0x9e3779b9));
}
