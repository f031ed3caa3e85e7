// The buckets of a native histogram with their bounds, as the newest Go's JSON API lists them (SPEC §7.2).
import type { BucketSpan, NativeHistogram } from '../model/metric.ts';

/** One non-empty bucket: `boundaries` 0 = (lower, upper], 1 = [lower, upper), 3 = [lower, upper] (the zero bucket). */
export interface NativeBucket {
  readonly boundaries: 0 | 1 | 3;
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/** Whether a histogram has native buckets to show: at least one span (as Go's API decides). */
export function hasNativeBuckets(native: NativeHistogram | undefined): native is NativeHistogram {
  return native !== undefined && native.negativeSpans.length + native.positiveSpans.length > 0;
}

/**
 * The non-empty buckets in ascending order: negative ones (most negative first), the zero bucket, then
 * positive ones. `float` reads the absolute counts of a float histogram, otherwise the integer deltas.
 * Bounds are computed as 2^(i / 2^schema). Go reads the fractional part from a precomputed table; ours
 * match it where checked (√2 prints 1.414213562373095 in both), but an entry of that table may lie one
 * ulp from ours, so a printed bound can differ in its last digit.
 */
export function nativeBuckets(native: NativeHistogram, float: boolean): NativeBucket[] {
  const schema = native.schema ?? 0;
  const negative = sideBuckets(native.negativeSpans, float ? native.negativeCounts : native.negativeDeltas, float);
  const buckets: NativeBucket[] = negative.reverse().map(({ index, count }) => ({
    boundaries: 1,
    lower: -boundOf(index, schema),
    upper: -boundOf(index - 1, schema),
    count,
  }));
  const zeroCount = float ? (native.zeroCountFloat ?? 0) : (native.zeroCount ?? 0);
  const threshold = native.zeroThreshold ?? 0;
  if (zeroCount !== 0) buckets.push({ boundaries: 3, lower: -threshold, upper: threshold, count: zeroCount });
  for (const { index, count } of sideBuckets(native.positiveSpans, float ? native.positiveCounts : native.positiveDeltas, float)) {
    buckets.push({ boundaries: 0, lower: boundOf(index - 1, schema), upper: boundOf(index, schema), count });
  }
  return buckets;
}

// Walks the spans: the first offset is the first bucket's index, later ones the gap before their run;
// integer counts are deltas from the previous bucket across span gaps. Empty buckets are left out.
function sideBuckets(spans: readonly BucketSpan[], values: readonly number[], float: boolean): { index: number; count: number }[] {
  const out: { index: number; count: number }[] = [];
  let index = 0;
  let at = 0;
  let count = 0;
  for (const span of spans) {
    index += span.offset;
    for (let j = 0; j < span.length; j++, index++, at++) {
      const value = values[at] ?? 0;
      count = float ? value : count + value;
      if (count !== 0) out.push({ index, count });
    }
  }
  return out;
}

// The upper bound of bucket `index`: 2^(index / 2^schema). Past the largest finite float the last
// bucket's bound is Number.MAX_VALUE, as in Go.
function boundOf(index: number, schema: number): number {
  if (schema < 0) {
    const exp = index * 2 ** -schema;
    return exp === 1024 ? Number.MAX_VALUE : ldexp(1, exp);
  }
  const perPowerOfTwo = 2 ** schema;
  const fractionIndex = ((index % perPowerOfTwo) + perPowerOfTwo) % perPowerOfTwo;
  const fraction = 2 ** (fractionIndex / perPowerOfTwo - 1);
  const exp = Math.floor(index / perPowerOfTwo) + 1;
  return fraction === 0.5 && exp === 1025 ? Number.MAX_VALUE : ldexp(fraction, exp);
}

// fraction × 2^exp without overflowing in 2^exp on its own (exp can reach 1025).
function ldexp(fraction: number, exp: number): number {
  return exp > 1000 ? fraction * 2 ** 1000 * 2 ** (exp - 1000) : exp < -1000 ? fraction * 2 ** -1000 * 2 ** (exp + 1000) : fraction * 2 ** exp;
}
