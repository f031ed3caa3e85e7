// Stored lines changed in place of encoding their family again: a one-series line with a new value.
import { MAX_FLOAT_BYTES, writeGoFloat } from '../model/format-float.ts';
import { NEWLINE, SPACE } from './line-bytes.ts';


// Where withValue writes the new line before copying it out.
let line = new Uint8Array(256);

/**
 * The stored line of a one-series family without bound labels (`name{labels} value\n`, e.g. a group's
 * timestamp gauge) with `value` as its value, as encodeFamilyText would write it. The line is the old one
 * up to its last space (a value holds none) and the new value: cheaper than building the family and
 * encoding it again when only the value changed. Returns fresh bytes; `text` is not changed.
 */
export function withValue(text: Uint8Array, value: number): Uint8Array {
  const valueAt = text.lastIndexOf(SPACE) + 1;
  if (line.length < valueAt + MAX_FLOAT_BYTES + 1) line = new Uint8Array(2 * (valueAt + MAX_FLOAT_BYTES + 1));
  const target = line;
  for (let i = 0; i < valueAt; i++) target[i] = text[i]!;
  const end = writeGoFloat(target, valueAt, value);
  target[end] = NEWLINE;
  return target.slice(0, end + 1);
}
