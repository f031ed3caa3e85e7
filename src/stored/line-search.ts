// Questions answered from stored lines without reading them back: could a series of them carry a label?
import { BRACE_OPEN, COMMA } from './line-bytes.ts';


/**
 * Whether a series of these stored text lines could carry label `name`: false only if no line has
 * `{name="` or `,name="`, which every line of a series with that label has (a value may make it say true
 * for a series without it, never false for one with it).
 */
export function mayCarryLabel(texts: readonly Uint8Array[], name: string): boolean {
  const needle = Buffer.from(`${name}="`);
  for (const text of texts) {
    const bytes = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    for (let at = bytes.indexOf(needle); at > 0; at = bytes.indexOf(needle, at + 1)) {
      const before = bytes[at - 1];
      if (before === BRACE_OPEN || before === COMMA) return true;
    }
  }
  return false;
}
