// The /metrics body in text format 0.0.4: every family once, in name order, built by concatenating cached per-group bytes.
import type { Group } from '../model/group.ts';
import { HeaderCache, type OwnFamily, mergeFamilies } from './family-merge.ts';
import { renderFamilyHeader } from './family-header.ts';

const encoder = new TextEncoder();

/** The HELP/TYPE lines of each merged family, encoded once; shared with the gzip form. */
export const textHeaders = new HeaderCache((name, help, type) => encoder.encode(renderFamilyHeader(name, help, type)));

/**
 * The text exposition of the gateway's own families and all groups, as the byte chunks to send in order.
 * Nothing is re-encoded: group chunks are the stored bytes themselves, headers come from a cache. The
 * list is built at once (~1 ms for 80 000 chunks; a generator yielding them cost ~20x that per scrape).
 * Which families, in which order and with which HELP is mergeFamilies' choice (own series first, then
 * group by group in the order of `groups`, which must be key order). Stored bytes never change, so a
 * reader may pause between chunks while pushes go on: it still sends the store as it was when called.
 */
export function renderExposition(groups: readonly Group[], own: readonly OwnFamily[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const family of mergeFamilies(groups, own)) {
    chunks.push(textHeaders.get(family));
    if (family.own !== undefined) chunks.push(family.own.text);
    const stored = family.stored;
    for (let i = 0; i < stored.length; i++) chunks.push(stored[i]!.text);
  }
  return chunks;
}
