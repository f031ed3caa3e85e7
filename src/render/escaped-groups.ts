// The groups as a scrape in one name-escaping scheme shows them: UTF-8 families swapped for derived ones, each derived once per scheme.
import type { Group, StoredFamily } from '../model/group.ts';
import { type NameEscaping, escapeFamily, escapeName } from '../model/name-escaping.ts';
import { hasUtf8Names } from '../model/names.ts';
import { encodeFamilyText } from '../stored/family-text.ts';

// Derived objects per scheme, kept as long as what they derive from: the merge (family-merge.ts) is cached
// by the identity of the groups array, the gzip runs and protobuf fields by that of each family, so a later
// scrape in the same scheme must get the very same objects to reuse what they cached.
const views = new WeakMap<readonly Group[], Map<NameEscaping, readonly Group[]>>();
const groupViews = new WeakMap<Group, Map<NameEscaping, Group>>();
const familyViews = new WeakMap<StoredFamily, Map<NameEscaping, StoredFamily>>();

/**
 * `groups` as a scrape negotiated to `scheme` shows them (SPEC §6.2, §6.3): every group that holds a UTF-8
 * family (one the store kept structured because a name is not legacy-valid, see encodeStoredFamily) is
 * replaced by a group whose UTF-8 families carry the escaped name, their lines in that scheme (with
 * `allow-utf-8`, the quoted names) and the family with escaped names as `exact`, which the protobuf
 * encoder reads. Other groups and families are the stored objects themselves. The result is cached per
 * (array, scheme); the caller only needs it while the store holds UTF-8 families (Store.utf8Groups), so a
 * store without them pays nothing here. Nothing is mutated.
 */
export function escapedGroups(groups: readonly Group[], scheme: NameEscaping): readonly Group[] {
  return cached(views, groups, scheme, () => groups.map((group) => cached(groupViews, group, scheme, escapedGroup)));
}

/**
 * What a scrape in `scheme` shows of `groups`: the groups themselves while none holds a UTF-8 family
 * (`utf8Groups`, Store.utf8Groups, is 0), with nothing done per group, else escapedGroups.
 */
export function groupsAsShown(groups: readonly Group[], utf8Groups: number, scheme: NameEscaping): readonly Group[] {
  return utf8Groups === 0 ? groups : escapedGroups(groups, scheme);
}

function escapedGroup(group: Group, scheme: NameEscaping): Group {
  let families: Map<string, StoredFamily> | undefined;
  for (const [name, family] of group.families) {
    if (family.exact === undefined || !hasUtf8Names(family.exact)) continue;
    families ??= new Map(group.families);
    families.set(name, cached(familyViews, family, scheme, escapedFamily));
  }
  return families === undefined ? group : { ...group, families };
}

// The stored lines are the `underscores` ones already.
function escapedFamily(family: StoredFamily, scheme: NameEscaping): StoredFamily {
  const exact = family.exact!;
  const text = scheme === 'underscores' ? family.text : encodeFamilyText(exact, scheme).text;
  return { ...family, name: escapeName(family.name, scheme), text, exact: escapeFamily(exact, scheme) };
}

function cached<K extends object, V>(cache: WeakMap<K, Map<NameEscaping, V>>, key: K, scheme: NameEscaping, derive: (key: K, scheme: NameEscaping) => V): V {
  let byScheme = cache.get(key);
  if (byScheme === undefined) {
    byScheme = new Map();
    cache.set(key, byScheme);
  }
  let value = byScheme.get(scheme);
  if (value === undefined) {
    value = derive(key, scheme);
    byScheme.set(scheme, value);
  }
  return value;
}
