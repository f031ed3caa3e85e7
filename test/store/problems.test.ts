// A refusal lists its first problems exactly as Go words them and counts the rest (issue 11, finding 2).
import { describe, expect, test } from 'bun:test';
import { LISTED_PROBLEMS, Problems } from '../../src/store/problems.ts';

function problemsOf(count: number): Problems {
  const problems = new Problems();
  for (let i = 1; i <= count; i++) problems.add(() => `problem ${i}`);
  return problems;
}

describe('Problems', () => {
  test('one problem stands alone, as in Go', () => {
    expect(problemsOf(1).format()).toBe('problem 1');
  });

  test('up to the cap, Go’s MultiError text exactly', () => {
    const lines = Array.from({ length: LISTED_PROBLEMS }, (_, i) => `\n* problem ${i + 1}`).join('');
    expect(problemsOf(LISTED_PROBLEMS).format()).toBe(`${LISTED_PROBLEMS} error(s) occurred:${lines}`);
  });

  test('past the cap, Go’s first lines and then how many more', () => {
    const lines = Array.from({ length: LISTED_PROBLEMS }, (_, i) => `\n* problem ${i + 1}`).join('');
    expect(problemsOf(1_000_000).format()).toBe(`1000000 error(s) occurred:${lines}\n… and ${1_000_000 - LISTED_PROBLEMS} more`);
  });

  test('words only the problems it lists: a million problems cost a million counts, not a million messages', () => {
    const problems = new Problems();
    let worded = 0;
    for (let i = 0; i < 1_000_000; i++) {
      problems.add(() => {
        worded++;
        return 'x';
      });
    }
    expect([problems.count, worded]).toEqual([1_000_000, LISTED_PROBLEMS]);
  });
});
