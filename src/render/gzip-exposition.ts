// The text exposition gzipped from deflate blocks cached per run of groups (see gzip-runs.ts).
import type { Group } from '../model/group.ts';
import { textHeaders } from './exposition.ts';
import { type OwnFamily, mergeFamilies } from './family-merge.ts';
import { GzipRuns } from './gzip-runs.ts';

const textRuns = new GzipRuns((stored) => stored.text);

/** How many text runs have been compressed since start: lets tests count a scrape's work instead of timing it. */
export function compressedRunCount(): number {
  return textRuns.runsCompressed;
}

/**
 * The same body as renderExposition, as one gzip stream in chunks. A scrape after one push compresses
 * one run per family the push replaced, plus the header and the gateway's own series.
 */
export function renderGzipExposition(groups: readonly Group[], own: readonly OwnFamily[], nowMs: number): Uint8Array[] {
  const families = mergeFamilies(groups, own).map((family) => ({
    name: family.name,
    lead: family.own === undefined ? [textHeaders.get(family)] : [textHeaders.get(family), family.own.text],
    stored: family.stored,
  }));
  return textRuns.compress(families, nowMs);
}
