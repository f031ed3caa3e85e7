// Metric and label name rules of the 0.0.4 exposition format (legacy) and of `--push.enable-utf8-names`, shared by the parsers, the URL decoder, the store and render.
import { boundedMemo } from './bounded-memo.ts';
import type { MetricFamily } from './metric.ts';

/** True if `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isValidMetricName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 95 /* _ */ || c === 58 /* : */ || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** True if `name` matches `[a-zA-Z_][a-zA-Z0-9_]*`. Says nothing of the reserved `__` prefix. */
export function isValidLabelName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** Label names starting with `__` are reserved for Prometheus itself. */
export function isReservedLabelName(name: string): boolean {
  return name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95;
}

/** A name under `--push.enable-utf8-names` (Go's UTF8Validation): non-empty and valid UTF-8, i.e. no lone surrogate. */
export function isValidUtf8Name(name: string): boolean {
  return name.length > 0 && name.isWellFormed();
}

/** Whether a label name may be pushed: legacy, or with `utf8Names` any valid UTF-8; never reserved (`__…`). */
export function isAllowedLabelName(name: string, utf8Names: boolean): boolean {
  return (utf8Names ? isValidUtf8Name(name) : isValidLabelName(name)) && !isReservedLabelName(name);
}

/**
 * Whether a family needs `--push.enable-utf8-names`: its name is not a legacy metric name or one of its
 * label names is not a legacy label name. The store keeps such a family structured and writes its lines
 * with escaped names (stored/family-encoding.ts); scrapes show it in the negotiated escaping.
 */
export function hasUtf8Names(family: MetricFamily): boolean {
  if (!isValidMetricName(family.name)) return true;
  for (const metric of family.metrics) {
    const labels = metric.labels;
    for (let i = 0; i < labels.length; i += 2) if (!isValidLabelName(labels[i]!)) return true;
  }
  return false;
}

/** What a summary (`_count`, `_sum`) or a histogram (also `_bucket`) appends to its name on sample lines. */
export type SampleSuffix = '_count' | '_sum' | '_bucket';

/** A family name seen from its sample suffixes; see {@link sampleNamesOf}. */
export interface SampleNames {
  /** The name less the sample suffix it ends with (possibly ''), or undefined when it ends with none. */
  readonly base: string | undefined;
  readonly suffix: SampleSuffix | undefined;
  /** `name_count`, `name_sum`, `name_bucket`. */
  readonly count: string;
  readonly sum: string;
  readonly bucket: string;
}

const SUFFIXES: readonly SampleSuffix[] = ['_count', '_sum', '_bucket'];

/**
 * The suffix relations of a family name, computed once and kept: the parser and the consistency check
 * ask them for every family of every push, and a fleet pushes the same names again and again.
 */
export const sampleNamesOf: (name: string) => SampleNames = boundedMemo(4096, (name) => {
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  return {
    base: suffix === undefined ? undefined : name.slice(0, -suffix.length),
    suffix,
    count: name + '_count',
    sum: name + '_sum',
    bucket: name + '_bucket',
  };
});
