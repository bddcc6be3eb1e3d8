import * as fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * fast-check's bias towards small and edge values (its `biasFactor`: 1 in N values is biased).
 * Low, because finding the edges is the point of a fuzzer.
 */
const BIAS = 2;

/**
 * The seed of the `index`-th request of a run: each request has its own generator, so that
 * `--seed S --only I` rebuilds request I exactly, whatever ran before it or beside it.
 */
export function requestSeed(seed: number, index: number): number {
  // splitmix32 of (seed, index): neighbouring indexes give unrelated seeds.
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) | 0;
}

/** A seeded source of values: fast-check's arbitraries driven by a pure-rand generator. */
export class Gen {
  private readonly random: fc.Random;

  constructor(seed: number) {
    this.random = new fc.Random(xoroshiro128plus(seed));
  }

  /** One value of a fast-check arbitrary. */
  value<T>(arbitrary: fc.Arbitrary<T>): T {
    return arbitrary.generate(this.random, BIAS).value;
  }

  /** An integer in `[min, max]`. */
  int(min: number, max: number): number {
    return this.random.nextInt(min, max);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.random.nextDouble() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.random.nextDouble() * total;
    for (const [weight, choice] of choices) {
      roll -= weight;
      if (roll < 0) return choice;
    }
    return (choices.at(-1) as readonly [number, T])[1];
  }
}
