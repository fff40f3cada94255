/**
 * How much the fuzzer does. CI runs a fixed seed and a few cases per operation (a couple of
 * minutes per database); `npm run fuzz` sets FUZZ_SEED=random and more runs, and prints the
 * seed so a failure can be replayed with FUZZ_SEED=<seed>.
 */
export interface FuzzSettings {
  seed: number;
  /** Generated bad requests per operation. */
  runs: number;
  /** True when the seed is the fixed CI one: known failures must then still reproduce. */
  fixedSeed: boolean;
  /** An answer slower than this (three times running) is a finding. */
  answerWithinMs: number;
}

export const CI_SEED = 190419;

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const raw = env.FUZZ_SEED;
  const seed = raw === 'random' ? Math.floor(Math.random() * 2 ** 31) : raw ? Number(raw) : CI_SEED;
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", got ${raw}`);
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : 12;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${env.FUZZ_RUNS}`);
  return { seed, runs, fixedSeed: seed === CI_SEED, answerWithinMs: 2000 };
}

/** A per-operation seed, so adding an operation does not change what the others are sent. */
export function seedFor(base: number, label: string): number {
  let h = base | 0;
  for (let i = 0; i < label.length; i++) h = (Math.imul(h, 31) + label.charCodeAt(i)) | 0;
  return h;
}
