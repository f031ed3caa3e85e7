// Collects the young generation every few MiB of pushed bytes once the process is large.
import { edenGC } from 'bun:jsc';

/**
 * JavaScriptCore sizes its young generation in proportion to the whole heap: with the ~500 MB of a
 * 10 000-group store it lets hundreds of MB of garbage pile up between collections, so each push's
 * garbage lands in pages never touched before, a page fault per 4 KiB (on the 2-vCPU VM ~5 faults and
 * ~0.05 ms of CPU per push more than with a small store). Collecting the young generation after every
 * `everyBytes` of pushed bodies keeps that garbage in warm memory (measured at 10 000 groups: 0.18 →
 * 0.14 ms of CPU and 4.5 → 2.6 page faults per push; bench/README.md). A small process is collected
 * often enough by JSC itself: below `minResidentBytes` of RSS nothing is done (RSS costs ~8 µs to read;
 * JSC's heapSize() walks the heap, milliseconds at that size). Returns the function a push reports its
 * body size to; `collect` and `measure` are the real ones unless a test counts the calls.
 */
export function youngCollector(
  everyBytes: number,
  minResidentBytes: number,
  collect: () => void = edenGC,
  measure: () => number = process.memoryUsage.rss,
): (pushedBytes: number) => void {
  let since = 0;
  return (pushedBytes) => {
    since += pushedBytes;
    if (since < everyBytes) return;
    since = 0;
    if (measure() >= minResidentBytes) collect();
  };
}
