// One timer, armed for the store's earliest deadline, that expires the due groups: no scan of all groups, nothing per scrape.
import type { Store } from './store.ts';

/** setTimeout's longest delay (2^31 - 1 ms, ~24.8 days); a later deadline is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Expires `store`'s groups at their deadlines (Store.expireDue), at once for those already due (a restart
 * after the gateway was down). After every change it compares the store's earliest deadline with the one
 * it is armed for (O(1)) and re-arms only when that came earlier; a deadline that moved later (a re-push)
 * lets the timer fire for nothing and re-arm. The timer does not keep the process alive. Returns a
 * function that stops it.
 */
export function startExpiry(store: Store): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor = Infinity;
  const arm = () => {
    const next = store.nextExpiry;
    if (next === undefined || next >= armedFor) return;
    clearTimeout(timer);
    const now = Date.now();
    const delay = Math.min(Math.max(0, Math.ceil(next - now)), MAX_DELAY_MS);
    armedFor = now + delay;
    timer = setTimeout(run, delay);
    timer.unref();
  };
  const run = () => {
    timer = undefined;
    armedFor = Infinity;
    store.expireDue(Date.now());
    arm();
  };
  const unsubscribe = store.subscribe(arm);
  run();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
