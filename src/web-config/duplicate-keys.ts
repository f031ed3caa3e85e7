// Finds a key written twice in one YAML block mapping: yaml.v2's strict mode refuses the file, Bun.YAML keeps the last.

/** A repeated key and the 1-based line of its second occurrence. */
export interface DuplicateKey {
  readonly key: string;
  readonly line: number;
}

// A block-mapping key at the start of a line, perhaps after `- ` (a sequence item holding a mapping): plain,
// double- or single-quoted, followed by `:` and a space or the end of the line.
const KEY_LINE = /^( *)(- +)?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\-?:][^#]*?|[\-?:][^\s#][^#]*?) *:(?: |$)(.*)$/;
// The value part that opens a block scalar (`|`, `>-`, `|2` …): the lines below it are text, not keys.
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(?:#.*)?$/;

/**
 * The first key repeated within one block mapping, or undefined. Covers the block style every web config in
 * the wild uses; a repeat inside a flow mapping (`{a: 1, a: 2}`) is not seen. Quoted keys are compared by
 * their text inside the quotes.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  // The open mappings, innermost last: the column of their keys and the keys seen so far.
  const open: { column: number; keys: Set<string> }[] = [];
  let blockScalarIndent = -1;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    if (blockScalarIndent >= 0) {
      if (indent > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    if (line.startsWith('---') || line.startsWith('...')) {
      open.length = 0;
      continue;
    }
    const match = KEY_LINE.exec(line);
    if (match === null) continue;
    const [, spaces = '', dash = '', rawKey = '', value = ''] = match;
    const column = spaces.length + dash.length;
    // A new sequence item starts a new mapping even at the column of the previous item's keys.
    while (open.length > 0 && (open.at(-1)!.column > column || (dash !== '' && open.at(-1)!.column === column))) open.pop();
    const key = /^["']/.test(rawKey) ? rawKey.slice(1, -1) : rawKey;
    const top = open.at(-1);
    if (top !== undefined && top.column === column) {
      if (top.keys.has(key)) return { key, line: i + 1 };
      top.keys.add(key);
    } else {
      open.push({ column, keys: new Set([key]) });
    }
    if (BLOCK_SCALAR.test(value.trim())) blockScalarIndent = indent;
  }
  return undefined;
}
