// Compresses changed runs of the gzip scrape while the store is quiet, so the next scrape finds them ready.
import { groupsAsShown } from '../render/escaped-groups.ts';
import { renderGzipExposition } from '../render/gzip-exposition.ts';
import type { Store } from '../store/store.ts';

/**
 * Listens to the store's change feed; every `intervalMs`, if the store has changed and then stayed
 * unchanged for a whole interval, renders the gzip exposition once and throws it away: that leaves every
 * run in render/gzip-exposition.ts's cache, so the first scrape after a burst of pushes (a populate, a
 * fleet's nightly run, a restore at start) costs what a warm one does instead of compressing everything.
 * Prometheus asks for gzip, so the work is rarely wasted; while pushes keep coming nothing is done here
 * and scrapes compress what changed themselves. Groups with UTF-8 names are warmed as a scrape without
 * an `escaping=` parameter shows them (`underscores`). Errors go to `onError`. Returns a stop function.
 */
export function startGzipWarmer(store: Store, intervalMs: number, onError: (error: unknown) => void): () => void {
  // Per change only a flag is set: a push pays nothing measurable for the warmer.
  let changedSinceTick = false;
  let pending = false;
  const unsubscribe = store.subscribe(() => {
    changedSinceTick = true;
  });
  const timer = setInterval(() => {
    if (changedSinceTick) {
      changedSinceTick = false;
      pending = true;
      return;
    }
    if (!pending) return;
    pending = false;
    try {
      renderGzipExposition(groupsAsShown(store.groups(), store.utf8Groups, 'underscores'), [], Date.now());
    } catch (error) {
      // A timer's exception would end the process; the scrape that hits the same problem reports it.
      onError(error);
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
