// The HELP/TYPE lines a text scrape puts before a family's stored lines.
import { escapeHelp } from '../model/escape.ts';
import type { MetricType } from '../model/metric.ts';

/**
 * The header lines of a family in a scrape: `# HELP name <escaped help>\n` only when `help` is defined,
 * then always `# TYPE name <type>\n`. A gauge histogram is announced as `histogram`: text 0.0.4 has no
 * word for it (SPEC §4.6).
 */
export function renderFamilyHeader(name: string, help: string | undefined, type: MetricType): string {
  const typeLine = `# TYPE ${name} ${type === 'gaugehistogram' ? 'histogram' : type}\n`;
  return help === undefined ? typeLine : `# HELP ${name} ${escapeHelp(help)}\n${typeLine}`;
}
