// A Go gateway's persistence file → our groups: its protobuf families decoded and stored the way a push stores them.
import type { Logger } from '../log.ts';
import { type Group, PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC, type StoredFamily, groupKeyOf, sortLabels } from '../model/group.ts';
import type { MetricFamily } from '../model/metric.ts';
import { MetricFamilyDecoder } from '../parse/protobuf-family.ts';
import { encodeStoredFamily } from '../stored/family-text.ts';
import { decodeGoPersistence, looksLikeGoPersistence } from './go-gob.ts';

/**
 * The groups of a Go gateway's file, or undefined when `bytes` are not one. Go stored every family already
 * sanitised (grouping labels and `instance=""` in, labels sorted, the `+Inf` bucket written out) together
 * with its two timestamp gauges, so each family is decoded and encoded into stored lines as it is, keeping
 * its own push time; the group's push and failure times are its gauges' values. No consistency check runs,
 * as in Go's own restore. A family that does not decode (Go 1.5.1 stores some that break its own scrapes,
 * SPEC §5.7) is left out with a warning. Throws when the file is a Go file but cannot be read.
 */
export function importGoFile(bytes: Uint8Array, log: Logger): Group[] | undefined {
  if (!looksLikeGoPersistence(bytes)) return undefined;
  // The newest Go stores UTF-8 names when it runs with --push.enable-utf8-names: take whatever it stored.
  const decoder = new MetricFamilyDecoder(Infinity, true);
  return decodeGoPersistence(bytes).map((goGroup) => {
    const families = new Map<string, StoredFamily>();
    let pushTime = 0;
    let failureTime = 0;
    goGroup.families.forEach((goFamily, i) => {
      let family: MetricFamily;
      try {
        family = decoder.decode(goFamily.protobuf, 0, goFamily.protobuf.length, i + 1);
      } catch (error) {
        log.warn('left out a family of the Go file that does not decode', { group: goGroup.labels.join(','), family: goFamily.name, err: (error as Error).message });
        return;
      }
      for (const metric of family.metrics) sortLabels(metric.labels);
      const value = family.metrics[0]?.value ?? 0;
      if (family.name === PUSH_TIME_METRIC) pushTime = value;
      if (family.name === PUSH_FAILURE_TIME_METRIC) failureTime = value;
      const { text, seriesHashes, exact } = encodeStoredFamily(family, true);
      families.set(family.name, {
        name: family.name,
        type: family.type,
        help: family.help,
        pushedAt: goFamily.pushedAtMs,
        text,
        seriesHashes,
        ...(exact === undefined ? {} : { exact }),
      });
    });
    return { key: groupKeyOf(goGroup.labels), labels: goGroup.labels, families, pushTime, failureTime };
  });
}
