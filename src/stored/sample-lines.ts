// How many sample lines a stored family's text holds: the unit of --push.max-series, counted for --push.max-series-per-group.
import { NEWLINE } from './line-bytes.ts';

/** The sample lines in `text` (each ends with a newline), found with the native byte search. */
export function countSampleLines(text: Uint8Array): number {
  let count = 0;
  for (let at = text.indexOf(NEWLINE); at >= 0; at = text.indexOf(NEWLINE, at + 1)) count++;
  return count;
}
