/** Summaries of per-round figures: the median, and the range or quartiles around it. */

export interface Spread {
  median: number;
  low: number;
  high: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

function finiteSorted(values: number[]): number[] {
  return values.filter(Number.isFinite).sort((a, b) => a - b);
}

/** Median, minimum and maximum. */
export function medianAndRange(values: number[]): Spread {
  const sorted = finiteSorted(values);
  return { median: quantile(sorted, 0.5), low: sorted[0] ?? NaN, high: sorted[sorted.length - 1] ?? NaN };
}

/** Median and interquartile range. */
export function medianAndQuartiles(values: number[]): Spread {
  const sorted = finiteSorted(values);
  return { median: quantile(sorted, 0.5), low: quantile(sorted, 0.25), high: quantile(sorted, 0.75) };
}

export const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export interface Target {
  name: string;
  limit: number;
}

export function targetLine(target: Target, spread: Spread, spreadName: string): string {
  const verdict = !Number.isFinite(spread.median) ? 'not measured' : spread.median <= target.limit ? 'met' : 'MISSED';
  return `- ${target.name} ≤ ${target.limit}: ${fixed(spread.median, 2)} (${spreadName} ${fixed(spread.low, 2)} to ${fixed(spread.high, 2)}), ${verdict}`;
}
