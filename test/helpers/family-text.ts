// Shorthand of the text-encoding tests: a model MetricFamily in one call, and what encodeFamilyText makes of it as a string.
import type { Metric, MetricFamily, MetricType } from "../../src/model/metric.ts";
import { encodeFamilyText } from "../../src/stored/family-text.ts";

/** A family without HELP holding `metrics` (the array is used as given, not copied). */
export function family(name: string, type: MetricType, metrics: Metric[]): MetricFamily {
  return { name, help: undefined, type, metrics };
}

/**
 * Encodes `input` with encodeFamilyText and returns its sample lines as text (decoded strictly: invalid
 * UTF-8 throws) and whether the text is lossless.
 */
export function encodedText(input: MetricFamily): { text: string; lossless: boolean } {
  const encoding = encodeFamilyText(input);
  return { text: new TextDecoder("utf-8", { fatal: true }).decode(encoding.text), lossless: encoding.lossless };
}
