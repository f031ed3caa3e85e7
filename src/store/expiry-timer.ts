// One timer, armed for the store's earliest deadline, that expires the due groups: no scan of all groups, nothing per scrape.
import type { Store } from './store.ts';
import type { Writer } from './writer.ts';

/** setTimeout's longest delay (2^31 - 1 ms, ~24.8 days); a later deadline is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** How long to wait before trying again when the writer could not take an expiry (Redis out of reach). */
const RETRY_MS = 1000;

/**
 * Expires `store`'s groups at their deadlines, one `expire` write through `writer` per due group (so a
 * replica's expiry is decided like any write: when every replica's timer tries, one wins), at once for
 * those already due (a restart after the gateway was down). After every change it compares the store's
 * earliest deadline with the one it is armed for (O(1)) and re-arms only when that came earlier; a
 * deadline that moved later (a re-push) lets the timer fire for nothing and re-arm. One run at a time.
 * The timer does not keep the process alive. Returns a function that stops it.
 */
export function startExpiry(store: Store, writer: Writer): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor = Infinity;
  let running = false;
  let stopped = false;
  const armAt = (next: number) => {
    if (stopped || running || next >= armedFor) return;
    clearTimeout(timer);
    const now = Date.now();
    const delay = Math.min(Math.max(0, Math.ceil(next - now)), MAX_DELAY_MS);
    armedFor = now + delay;
    timer = setTimeout(run, delay);
    timer.unref();
  };
  const arm = () => {
    const next = store.nextExpiry;
    if (next !== undefined) armAt(next);
  };
  const run = async () => {
    timer = undefined;
    armedFor = Infinity;
    running = true;
    let retry = false;
    try {
      for (let next = store.nextExpiry; !stopped && next !== undefined && next <= Date.now(); next = store.nextExpiry) {
        const outcome = await writer.write({ kind: 'expire', nowMs: Date.now() });
        if (outcome.kind === 'unavailable') {
          retry = true;
          break;
        }
      }
    } finally {
      running = false;
    }
    if (retry) armAt(Date.now() + RETRY_MS);
    else arm();
  };
  const unsubscribe = store.subscribe(arm);
  void run();
  return () => {
    stopped = true;
    unsubscribe();
    clearTimeout(timer);
  };
}
