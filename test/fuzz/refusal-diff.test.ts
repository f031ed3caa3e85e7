// The HTTP fuzz's judge of a refused request: exactly the failure-time changes SPEC §3.1 allows pass, anything more fails.
import { describe, expect, test } from 'bun:test';
import { refusalDiff } from './http-session.ts';

const BEFORE = [
  '# TYPE fz_c counter',
  'fz_c{a="1",instance="",job="fz_base"} 3',
  '# HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.',
  '# TYPE push_failure_time_seconds gauge',
  'push_failure_time_seconds{instance="",job="fz_base"} 0',
  '# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.',
  '# TYPE push_time_seconds gauge',
  'push_time_seconds{instance="",job="fz_base"} 1.7e+09',
  '',
].join('\n');

/** BEFORE with `from` replaced by `to` (each a whole line or lines). */
function edited(from: string, to: string): string {
  if (!BEFORE.includes(from)) throw new Error(`not in BEFORE: ${from}`);
  return BEFORE.replace(from, to);
}

describe('refusalDiff', () => {
  test.each([
    ['nothing changed', BEFORE],
    ['the group failed: its failure time is now', edited('job="fz_base"} 0\n', 'job="fz_base"} 1.8e+09\n')],
    [
      'a new group was created for its failure (push time 0)',
      edited('push_failure_time_seconds{instance="",job="fz_base"} 0\n', 'push_failure_time_seconds{instance="",job="fz"} 1.8e+09\npush_failure_time_seconds{instance="",job="fz_base"} 0\n')
        .replace('push_time_seconds{instance="",job="fz_base"}', 'push_time_seconds{instance="",job="fz"} 0\npush_time_seconds{instance="",job="fz_base"}'),
    ],
  ])('allows: %s', (_why, after) => {
    expect(refusalDiff(BEFORE, after)).toBeUndefined();
  });

  test.each([
    ['a sample changed', edited('} 3', '} 4'), 'lines other than the failure time'],
    ['a sample was added', edited('} 3\n', '} 3\nfz_c{a="2",instance="",job="fz_base"} 1\n'), 'lines other than the failure time'],
    ['the push time moved', edited('1.7e+09', '1.8e+09'), 'lines other than the failure time'],
    [
      'two groups got failure times',
      edited('push_failure_time_seconds{instance="",job="fz_base"} 0\n', 'push_failure_time_seconds{instance="",job="a"} 1\npush_failure_time_seconds{instance="",job="b"} 1\n'),
      'beyond one group',
    ],
    [
      'a push time 0 without a new failed group',
      edited('push_time_seconds{instance="",job="fz_base"} 1.7e+09', 'push_time_seconds{instance="",job="fz"} 0\npush_time_seconds{instance="",job="fz_base"} 1.7e+09'),
      'without a new failed group',
    ],
  ])('refuses: %s', (_why, after, message) => {
    expect(refusalDiff(BEFORE, after)).toContain(message);
  });
});
