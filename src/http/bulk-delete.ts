// DELETE /api/v1/admin/groups?match[]=<selector>: every group a selector matches, deleted as one change (issue #14).
import type { Logger } from '../log.ts';
import { type LabelMatcher, SelectorError, checkNonEmpty, matchesAny, parseGroupSelector } from '../model/label-matchers.ts';
import { labelsObject } from '../render/api-metrics.ts';
import type { Store } from '../store/store.ts';
import type { Writer } from '../store/writer.ts';
import { apiError, apiSuccess } from './api-json.ts';
import { textError } from './errors.ts';

export interface BulkDeleteDeps {
  /** Read for a dry run. */
  readonly store: Store;
  readonly writer: Writer;
  readonly log: Logger;
}

/**
 * Deletes the groups whose grouping labels match any `match[]` selector (label matchers only; a group
 * lacking a label matches it as the empty value, as Prometheus matches series), all in one store change,
 * so a scrape sees all of them or none and the journal holds one record. Answers 200
 * `{"deleted":N}` once that is durable; with `dry_run=true` deletes nothing and answers
 * `{"matched":N,"groups":[<grouping labels>, …]}` in grouping-key order. A missing or bad `match[]` is a
 * 400 in Prometheus's error shape. `user` (when basic auth named one) is logged with the selectors.
 */
export async function handleBulkDelete(url: URL, deps: BulkDeleteDeps, user: string | undefined): Promise<Response> {
  const texts = url.searchParams.getAll('match[]');
  if (texts.length === 0) return apiError(400, 'bad_data', 'no match[] parameter provided');
  const dryRun = url.searchParams.get('dry_run') ?? 'false';
  if (dryRun !== 'true' && dryRun !== 'false') return apiError(400, 'bad_data', `invalid parameter "dry_run": ${JSON.stringify(dryRun)}, want true or false`);
  const selectors: (readonly LabelMatcher[])[] = [];
  for (const text of texts) {
    try {
      const matchers = parseGroupSelector(text);
      checkNonEmpty(matchers);
      selectors.push(matchers);
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      return apiError(400, 'bad_data', `invalid parameter "match[]": ${error.message}`);
    }
  }
  const { store, writer, log } = deps;
  if (dryRun === 'true') {
    const matched = store.groups().filter((group) => matchesAny(selectors, group.labels));
    return apiSuccess(`{"matched":${matched.length},"groups":[${matched.map((group) => labelsObject(group.labels)).join(',')}]}`);
  }
  const outcome = await writer.write({ kind: 'delete-matching', selectors });
  if (outcome.kind === 'unavailable') return textError(503, outcome.reason);
  const deleted = outcome.decision.deleted;
  log.info('deleted groups by selector', { deleted, match: texts.join(' or '), ...(user === undefined ? {} : { user }) });
  return apiSuccess(`{"deleted":${deleted}}`);
}
