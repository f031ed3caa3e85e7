// Strict readers for the values of a parsed YAML document: the shape checks yaml.v2's UnmarshalStrict makes for Go.

/** A YAML mapping as Bun.YAML returns it. */
export type YamlMapping = Readonly<Record<string, unknown>>;

/**
 * A setting we refuse, with where it is (`tls_server_config.min_version`) and why. The message is lower-case
 * and names the key, so an operator can find it in the file.
 */
export class WebConfigProblem extends Error {
  override name = 'WebConfigProblem';
}

/** The dotted path of `key` inside the mapping at `where` ('' for the top level). */
function pathOf(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

/** `value` as a mapping (null, an empty section, counts as an empty one); throws if it is anything else. */
export function mappingAt(value: unknown, where: string): YamlMapping {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new WebConfigProblem(`${where || 'the file'} must be a mapping`);
  return value as YamlMapping;
}

/** Throws for the first key of `mapping` that `known` lacks, worded like yaml.v2 (`field x not found`). */
export function refuseUnknownKeys(mapping: YamlMapping, known: readonly string[], where: string): void {
  for (const key of Object.keys(mapping)) {
    if (!known.includes(key)) throw new WebConfigProblem(`field ${key} not found in ${where || 'the top level'}; known: ${known.join(', ')}`);
  }
}

/** A string setting; absent or null gives ''. Numbers and booleans are refused rather than converted. */
export function stringAt(mapping: YamlMapping, key: string, where: string): string {
  const value = mapping[key];
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw new WebConfigProblem(`${pathOf(where, key)} must be a string`);
  return value;
}

/** A boolean setting, `fallback` when absent. YAML 1.1 words such as `yes` are refused (Bun reads YAML 1.2). */
export function booleanAt(mapping: YamlMapping, key: string, where: string, fallback: boolean): boolean {
  const value = mapping[key];
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new WebConfigProblem(`${pathOf(where, key)} must be true or false`);
  return value;
}

/** A list of strings; absent or null gives []. */
export function stringListAt(mapping: YamlMapping, key: string, where: string): readonly string[] {
  const value = mapping[key];
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new WebConfigProblem(`${pathOf(where, key)} must be a list of strings`);
  }
  return value as string[];
}

/** A mapping of strings to strings (users, headers). */
export function stringMapAt(mapping: YamlMapping, key: string, where: string): ReadonlyMap<string, string> {
  const section = mappingAt(mapping[key], pathOf(where, key));
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(section)) {
    if (typeof value !== 'string') throw new WebConfigProblem(`${pathOf(where, key)}.${name} must be a string`);
    out.set(name, value);
  }
  return out;
}
