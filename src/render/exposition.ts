// The /metrics body in text format 0.0.4: every family once, in name order, built by concatenating cached per-group bytes.
import type { Group } from '../model/group.ts';
import { HeaderCache, type OwnFamily, mergeFamilies } from './family-merge.ts';
import { renderFamilyHeader } from './text.ts';

export type { OwnFamily } from './family-merge.ts';

const encoder = new TextEncoder();
const headers = new HeaderCache((name, help, type) => encoder.encode(renderFamilyHeader(name, help, type)));

/**
 * The text exposition of the gateway's own families and all groups, as a list of byte chunks to send in
 * order. Nothing is re-encoded: group chunks are the stored bytes themselves, headers come from a cache.
 * Which families, in which order and with which HELP is mergeFamilies' choice (own series first, then
 * group by group in the order of `groups`, which must be key order).
 */
export function renderExposition(groups: readonly Group[], own: readonly OwnFamily[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const family of mergeFamilies(groups, own)) {
    out.push(headers.get(family));
    if (family.own !== undefined) out.push(family.own.text);
    for (const stored of family.stored) out.push(stored.text);
  }
  return out;
}
