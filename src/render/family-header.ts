// The HELP/TYPE lines a text scrape puts before a family's stored lines.
import { escapeHelp, escapeLabelValue } from '../model/escape.ts';
import type { MetricType } from '../model/metric.ts';
import { isValidMetricName } from '../model/names.ts';

/**
 * The header lines of a family in a scrape: `# HELP name <escaped help>\n` only when `help` is defined,
 * then always `# TYPE name <type>\n`. A gauge histogram is announced as `histogram`: text 0.0.4 has no
 * word for it (SPEC §4.6). A name that is not legacy-valid (a scrape in `escaping=allow-utf-8`) is quoted,
 * `# TYPE "x.y" counter`, as the newest Go writes it.
 */
export function renderFamilyHeader(name: string, help: string | undefined, type: MetricType): string {
  const shown = isValidMetricName(name) ? name : `"${escapeLabelValue(name)}"`;
  const typeLine = `# TYPE ${shown} ${type === 'gaugehistogram' ? 'histogram' : type}\n`;
  return help === undefined ? typeLine : `# HELP ${shown} ${escapeHelp(help)}\n${typeLine}`;
}
