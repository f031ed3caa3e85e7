// tokenBucket: rate_limit's limiter starts full, refuses once empty, and regains one token per interval up to the burst.
import { expect, test } from "bun:test";
import { tokenBucket } from "../../src/http/token-bucket.ts";

test("a burst of 3 every 100 ms, on a clock the test moves", () => {
  let now = 1_000;
  const take = tokenBucket({ intervalMs: 100, burst: 3 }, () => now);
  // Full at start: three at once, then none.
  expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
  now += 50;
  expect(take()).toBe(false);
  now += 50;
  expect([take(), take()]).toEqual([true, false]);
  // A long pause refills to the burst, not beyond it.
  now += 10_000;
  expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
});
