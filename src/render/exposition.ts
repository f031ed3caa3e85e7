// The /metrics body in text format 0.0.4: every family once, in name order, built by concatenating cached per-group bytes.
import type { Group } from '../model/group.ts';
import { HeaderCache, type MergedFamily, type OwnFamily, mergeFamilies } from './family-merge.ts';
import { renderFamilyHeader } from './text.ts';

const encoder = new TextEncoder();

/** The HELP/TYPE lines of each merged family, encoded once; shared with the gzip form. */
export const textHeaders = new HeaderCache((name, help, type) => encoder.encode(renderFamilyHeader(name, help, type)));

/**
 * The text exposition of the gateway's own families and all groups, as the byte chunks to send in order,
 * produced as they are read: the first chunk is ready before the 80 000th is looked at. Nothing is
 * re-encoded: group chunks are the stored bytes themselves, headers come from a cache. Which families, in
 * which order and with which HELP is mergeFamilies' choice (own series first, then group by group in the
 * order of `groups`, which must be key order). The merged structure is immutable, so a reader may pause
 * between chunks while pushes go on: it still sends the store as it was when called.
 */
export function renderExposition(groups: readonly Group[], own: readonly OwnFamily[]): Iterable<Uint8Array> {
  return chunksOf(mergeFamilies(groups, own));
}

function* chunksOf(families: readonly MergedFamily[]): Generator<Uint8Array> {
  for (const family of families) {
    yield textHeaders.get(family);
    if (family.own !== undefined) yield family.own.text;
    for (const stored of family.stored) yield stored.text;
  }
}
