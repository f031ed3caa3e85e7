// Stores filled the way pgbench fills a gateway: group i gets its pgbench body by PUT, through the real parser and Store.
import type { ExpiryPolicy } from '../src/model/expiry.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { OWN_TYPES } from '../src/http/self-metrics.ts';
import { Store } from '../src/store/store.ts';
import { groupBody, groupLabels } from './payloads.ts';

/**
 * The receive time of every benchmark push. Fixed, so re-pushing a group's body gives byte-identical
 * output (push_time_seconds included) and a render can be checked against a known length.
 */
export const PUSH_TIME_MS = 1_763_000_000_000;

/** A store wired as src/main.ts wires it (consistency check on unless told otherwise; no expiry unless given). */
export function newStore(checkConsistency = true, expiry?: ExpiryPolicy): Store {
  return new Store({ checkConsistency, ownTypes: OWN_TYPES, expiry });
}

/** PUTs group `i`'s pgbench body (freshly parsed: the store takes ownership of the families); throws if refused. */
export function putGroup(store: Store, i: number, timeMs = PUSH_TIME_MS): void {
  const result = store.apply({ labels: groupLabels(i), families: parseText(groupBody(i)), replace: true, timeMs });
  if (!result.ok) throw new Error(`push of group ${i} refused: ${result.error}`);
}

/** A new store holding groups 0..groups-1. */
export function populatedStore(groups: number, checkConsistency = true, expiry?: ExpiryPolicy): Store {
  const store = newStore(checkConsistency, expiry);
  for (let i = 0; i < groups; i++) putGroup(store, i);
  if (store.size !== groups) throw new Error(`expected ${groups} groups, store has ${store.size}`);
  return store;
}
