import { performance } from 'node:perf_hooks';

/**
 * How long a parse takes, in milliseconds: the best of three, so that a pause of the shared
 * machine (a garbage collection, another test file) is not taken for the parser's own cost.
 */
export function parseTime(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
