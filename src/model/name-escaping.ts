// The escaping schemes of UTF-8 metric and label names (SPEC §6.2, §6.3), as Go's model.EscapeName and UnescapeName define them.
import type { Labels, Metric, MetricFamily } from './metric.ts';
import { isValidMetricName } from './names.ts';

/** How a scrape shows names that are not legacy-valid: quoted as they are, or escaped into legacy names. */
export type NameEscaping = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** Every scheme, by the word an `escaping=` parameter names it with. */
export const NAME_ESCAPINGS: readonly NameEscaping[] = ['allow-utf-8', 'underscores', 'dots', 'values'];

const VALUES_PREFIX = 'U__';
const UNDERSCORE = 0x5f;

/**
 * `name` as `scheme` shows it. A legacy-valid metric name (which every legacy label name is) is returned
 * unchanged in every scheme: Go escapes only names that are not (its EscapeMetricFamily checks first),
 * so `dots` leaves `a_b` alone. Otherwise, as Go's EscapeName: `underscores` turns every character that
 * is not legacy into `_`; `dots` writes `.` as `_dot_`, `_` as `__` and any other such character as `__`;
 * `values` prefixes `U__`, doubles `_` and writes any other such character as `_<hex code point>_`;
 * `allow-utf-8` returns the name itself (the writer quotes it).
 */
export function escapeName(name: string, scheme: NameEscaping): string {
  if (scheme === 'allow-utf-8' || isValidMetricName(name)) return name;
  let escaped = scheme === 'values' ? VALUES_PREFIX : '';
  let index = 0;
  for (const char of name) {
    const legacy = isLegacyChar(char.codePointAt(0)!, index++);
    if (scheme === 'underscores') escaped += legacy ? char : '_';
    else if (char === '_') escaped += '__';
    else if (legacy) escaped += char;
    else if (scheme === 'dots') escaped += char === '.' ? '_dot_' : '__';
    else escaped += `_${char.codePointAt(0)!.toString(16)}_`;
  }
  return escaped;
}

// Go's isValidLegacyRune; `index` counts code points, as Go's range over a string counts its runes' starts
// (a digit is legacy anywhere but first).
function isLegacyChar(code: number, index: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === UNDERSCORE || code === 58 || (index > 0 && code >= 48 && code <= 57);
}

/**
 * Undoes the `values` scheme as Go's UnescapeName does for a label name in a push URL (SPEC §2.3):
 * `U__foo_2e_bar` → `foo.bar`, `__` → `_`, `_<hex>_` → that code point (at most six hex digits, a
 * valid code point that is not a surrogate). A name without the prefix, or with a malformed escape, is
 * returned as it is.
 */
export function unescapeValuesName(name: string): string {
  if (!name.startsWith(VALUES_PREFIX)) return name;
  let out = '';
  for (let i = VALUES_PREFIX.length; i < name.length; i++) {
    if (name.charCodeAt(i) !== UNDERSCORE) {
      out += name[i];
      continue;
    }
    i++;
    if (i >= name.length) return name;
    if (name.charCodeAt(i) === UNDERSCORE) {
      out += '_';
      continue;
    }
    const close = name.indexOf('_', i);
    const hex = close < 0 ? '' : name.slice(i, close);
    if (hex.length === 0 || hex.length > 6 || !/^[0-9a-fA-F]+$/.test(hex)) return name;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return name;
    out += String.fromCodePoint(code);
    i = close;
  }
  return out;
}

/**
 * The family with its name and label names escaped by `scheme` (Go's EscapeMetricFamily), for the
 * encoders that read structure (protobuf). Series whose label names need nothing are shared, not
 * copied; with `allow-utf-8` the family itself is returned. `family` is not mutated.
 */
export function escapeFamily(family: MetricFamily, scheme: NameEscaping): MetricFamily {
  if (scheme === 'allow-utf-8') return family;
  const metrics = family.metrics.map((metric) => {
    const labels = escapeLabelNames(metric.labels, scheme);
    return labels === metric.labels ? metric : ({ ...metric, labels } satisfies Metric);
  });
  return { ...family, name: escapeName(family.name, scheme), metrics };
}

// The same pairs when no name changes, else a new array.
function escapeLabelNames(labels: Labels, scheme: NameEscaping): Labels {
  let out: Labels | undefined;
  for (let i = 0; i < labels.length; i += 2) {
    const escaped = escapeName(labels[i]!, scheme);
    if (escaped === labels[i]) continue;
    out ??= [...labels];
    out[i] = escaped;
  }
  return out ?? labels;
}
