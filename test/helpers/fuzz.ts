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
