// JobRateLimit: a bucket per job, the wait until the next token, and a map of buckets that stays bounded however many jobs come and go.
import { expect, test } from 'bun:test';
import { JobRateLimit } from '../../src/http/job-rate-limit.ts';

test('each job has its own bucket; a refusal says how long until the next token', () => {
  let now = 0;
  const limit = new JobRateLimit(5, 2, () => now);
  expect([limit.take('a'), limit.take('a')]).toEqual([0, 0]);
  // Empty: one token comes back every 200 ms.
  expect(limit.take('a')).toBeCloseTo(200);
  expect(limit.take('b')).toBe(0);
  now += 150;
  expect(limit.take('a')).toBeCloseTo(50);
  now += 50;
  expect(limit.take('a')).toBe(0);
});

test('full buckets are dropped: a stream of new job names keeps the map bounded', () => {
  let now = 0;
  // A bucket refills 200 ms after its one push; a new job arrives every millisecond.
  const limit = new JobRateLimit(5, 1, () => now);
  let largest = 0;
  for (let i = 0; i < 100_000; i++) {
    expect(limit.take(`job-${i}`)).toBe(0);
    largest = Math.max(largest, limit.size);
    now += 1;
  }
  // About 200 buckets are not full at any time; the map is swept when it doubles past 1024.
  expect(largest).toBeLessThanOrEqual(2048);
});

test('a bucket that is not full is kept across a sweep, so dropping never gives a job extra pushes', () => {
  let now = 0;
  const limit = new JobRateLimit(1, 1, () => now);
  expect(limit.take('flooder')).toBe(0);
  // Enough new jobs to force sweeps while the flooder's bucket is still empty.
  for (let i = 0; i < 5000; i++) limit.take(`job-${i}`);
  expect(limit.take('flooder')).toBeGreaterThan(0);
});
