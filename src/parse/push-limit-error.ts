// The 413 a push gets past one of its limits (SPEC D5), and the checks that throw it.

import type { Metric, MetricFamily } from '../model/metric.ts';
import { LIMIT_FLAGS, type PushLimits } from '../model/push-limits.ts';

/**
 * A push broke one of its limits: answered 413, nothing is changed. The message says where (`line N` of a
 * text body, or the family of a protobuf one), what was too large, the limit and the flag that sets it.
 */
export class PushLimitError extends Error {
  /** `text` names where and what, and ends with the limit's value; the flag is appended. */
  constructor(readonly limit: keyof PushLimits, text: string) {
    super(`${text} (--${LIMIT_FLAGS[limit]})`);
    this.name = 'PushLimitError';
  }
}

/** The body passed `--push.max-body-bytes` (after decompression). */
export function bodyTooLarge(limit: number): PushLimitError {
  return new PushLimitError('maxBodyBytes', `request body is larger than the limit of ${limit} bytes`);
}

/** The push passed `--push.max-series` (`maxSeries`) at `where`. */
export function tooManySamples(maxSeries: number, where: string): PushLimitError {
  return new PushLimitError('maxSeries', `${where}: more samples than the limit of ${maxSeries} per push`);
}

/** A series at `where` has `count` labels, past `--push.max-labels-per-series`. */
export function tooManyLabels(limits: PushLimits, count: number, where: string): PushLimitError {
  return new PushLimitError('maxLabels', `${where}: ${count} labels on one series, more than the limit of ${limits.maxLabels}`);
}

/** The samples a series counts for `--push.max-series`: its value, or its buckets or quantiles plus sum and count, as a text body spells them. */
export function samplesOf(metric: Metric): number {
  const bounds = metric.buckets ?? metric.quantiles;
  return bounds === undefined ? 1 : bounds.length + 2;
}

/**
 * Checks decoded families against the limits: the protobuf decoder stops at the sample limit as it goes,
 * and the per-label limits (bounded meanwhile by the body's bytes) are checked here, once decoded. Throws
 * PushLimitError naming the family.
 */
export function checkFamilies(families: readonly MetricFamily[], limits: PushLimits): void {
  let samples = 0;
  for (const family of families) {
    const where = `family ${JSON.stringify(family.name)}`;
    for (const metric of family.metrics) {
      samples += samplesOf(metric);
      if (samples > limits.maxSeries) throw tooManySamples(limits.maxSeries, where);
      const labels = metric.labels;
      if (labels.length / 2 > limits.maxLabels) throw tooManyLabels(limits, labels.length / 2, where);
      for (let i = 0; i < labels.length; i += 2) {
        const name = labels[i]!;
        const value = labels[i + 1]!;
        // A UTF-16 unit is at most 3 UTF-8 bytes: only a string that might pass its limit is measured.
        if (3 * name.length > limits.maxLabelNameBytes || 3 * value.length > limits.maxLabelValueBytes) {
          checkLabel(Buffer.byteLength(name), Buffer.byteLength(value), limits, where);
        }
      }
    }
  }
}

/**
 * Throws PushLimitError when a label's name or (unescaped) value is longer than its limit. Lengths in bytes;
 * `where` is a line number of a text body or a place in words, made into text only for the error (this
 * runs for every label of a text push).
 */
export function checkLabel(nameBytes: number, valueBytes: number, limits: PushLimits, where: number | string): void {
  if (nameBytes > limits.maxLabelNameBytes) {
    throw new PushLimitError('maxLabelNameBytes', `${place(where)}: label name of ${nameBytes} bytes, longer than the limit of ${limits.maxLabelNameBytes}`);
  }
  if (valueBytes > limits.maxLabelValueBytes) {
    throw new PushLimitError('maxLabelValueBytes', `${place(where)}: label value of ${valueBytes} bytes, longer than the limit of ${limits.maxLabelValueBytes}`);
  }
}

function place(where: number | string): string {
  return typeof where === 'number' ? `line ${where}` : where;
}
