// --web.scopes-file (ours, not Go's): what each basic-auth user may do — push, delete, read, admin — and on which groups.
import { readFileSync } from 'node:fs';
import { type LabelMatcher, SelectorError, matchesLabels, parseGroupSelector } from '../model/label-matchers.ts';
import { WebConfigError } from './web-config.ts';
import { WebConfigProblem, mappingAt, refuseUnknownKeys, stringAt, stringListAt } from './yaml-fields.ts';

/** What a request does: push (PUT/POST a group), delete (a group), read (scrape), admin (quit, wipe, bulk delete). */
export const ACTIONS = ['push', 'delete', 'read', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

/** One user's scope. `groups` limits push and delete to groups whose grouping labels match. */
export interface Scope {
  readonly allow: ReadonlySet<Action>;
  readonly groups?: { readonly text: string; readonly matchers: readonly LabelMatcher[] };
}

/** User → scope, frozen. */
export type Scopes = ReadonlyMap<string, Scope>;

/**
 * Reads the scopes file: `users: {<user>: {allow: [push, delete, read, admin], groups: '{job=~"ci-.*"}'}}`.
 * Every user of the web config (`users`) must have a scope and every scoped user must be one of them, so
 * a typo cannot leave someone unlimited or a scope unused. Throws WebConfigError naming the file and the
 * problem. Read once, at start.
 */
export function readScopes(file: string, users: ReadonlyMap<string, string>): Scopes {
  const fail = (problem: string) => new WebConfigError(`scopes file ${JSON.stringify(file)}: ${problem}`);
  let document: unknown;
  try {
    document = Bun.YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail((error as Error).message);
  }
  try {
    const top = mappingAt(document, '');
    refuseUnknownKeys(top, ['users'], '');
    const scopes = new Map<string, Scope>();
    for (const [user, value] of Object.entries(mappingAt(top.users, 'users'))) {
      const where = `users.${user}`;
      const section = mappingAt(value, where);
      refuseUnknownKeys(section, ['allow', 'groups'], where);
      const allow = stringListAt(section, 'allow', where);
      const unknown = allow.find((action) => !(ACTIONS as readonly string[]).includes(action));
      if (unknown !== undefined) throw new WebConfigProblem(`${where}.allow: unknown action ${unknown}, want ${ACTIONS.join(', ')}`);
      const groupsText = stringAt(section, 'groups', where);
      const groups = groupsText === '' ? undefined : { text: groupsText, matchers: groupMatchers(groupsText, `${where}.groups`) };
      if (!users.has(user)) throw new WebConfigProblem(`${where}: no such user in basic_auth_users of the web config`);
      scopes.set(user, Object.freeze({ allow: new Set(allow as Action[]), ...(groups === undefined ? {} : { groups }) }));
    }
    for (const user of users.keys()) if (!scopes.has(user)) throw new WebConfigProblem(`user ${JSON.stringify(user)} of the web config has no scope`);
    return scopes;
  } catch (error) {
    if (error instanceof WebConfigProblem) throw fail(error.message);
    throw error;
  }
}

/** The matchers of a scope's `groups` selector; a WebConfigProblem naming `where` when it is none. */
function groupMatchers(text: string, where: string): readonly LabelMatcher[] {
  try {
    return parseGroupSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) throw new WebConfigProblem(`${where}: ${error.message} in ${JSON.stringify(text)}, want e.g. {job=~"ci-.*"}`);
    throw error;
  }
}

/**
 * Why `user` may not do `action` (to the group with `labels`, for push and delete), or undefined when the
 * scope allows it. The reason names the user and the scope, for the 403 answer.
 */
export function refusalOf(scopes: Scopes, user: string, action: Action, labels: readonly string[]): string | undefined {
  const scope = scopes.get(user);
  if (scope === undefined) return `user ${JSON.stringify(user)} has no scope`;
  const described = `its scope is ${[...scope.allow].join(', ') || 'nothing'}${scope.groups === undefined ? '' : ` on groups ${scope.groups.text}`}`;
  if (!scope.allow.has(action)) return `user ${JSON.stringify(user)} may not ${action}: ${described}`;
  if ((action === 'push' || action === 'delete') && scope.groups !== undefined && !matchesLabels(scope.groups.matchers, labels)) {
    return `user ${JSON.stringify(user)} may not ${action} this group: ${described}`;
  }
  return undefined;
}
