/** Summary statistics of the benchmarks (docs/benchmarks.md). */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error("median of no values");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A least-squares fit y = intercept + slope·x, its R², and the log-log exponent. */
export interface Fit {
  intercept: number;
  slope: number;
  r2: number;
  /**
   * The exponent k of y ∝ x^k fitted on log-log axes: about 1 is linear growth, about 2
   * quadratic. Undefined when a value is not positive.
   */
  exponent: number | undefined;
}

function leastSquares(xs: readonly number[], ys: readonly number[]): Omit<Fit, "exponent"> {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return {
    intercept: my - slope * mx,
    slope,
    r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy),
  };
}

/** Fits y against x (at least two distinct points). */
export function fit(xs: readonly number[], ys: readonly number[]): Fit {
  if (xs.length !== ys.length || new Set(xs).size < 2) {
    throw new Error("a fit needs at least two distinct x values, one y each");
  }
  const positive = [...xs, ...ys].every((v) => v > 0);
  return {
    ...leastSquares(xs, ys),
    exponent: positive
      ? leastSquares(
          xs.map((x) => Math.log(x)),
          ys.map((y) => Math.log(y)),
        ).slope
      : undefined,
  };
}
