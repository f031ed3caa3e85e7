// The text fast path never stores a UTF-8 name itself: it leaves every quoted form and every UTF-8 grouping label to the ordinary path.
import { describe, expect, test } from 'bun:test';
import type { Labels } from '../../src/model/metric.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';

const encoder = new TextEncoder();

describe('transcodeText and UTF-8 names', () => {
  test.each([
    '{"some.metric"} 1\n',
    '{"some.metric",a="1"} 1\n',
    'm{"a.b"="1"} 1\n',
    '"x.y" 1\n',
    '# HELP "x.y" text\nm 1\n',
    '# TYPE "x.y" counter\nm 1\n',
    'm 1\n{"m"} 2\n',
  ])('gives up on %j', (body) => {
    expect(transcodeText(encoder.encode(body), ['job', 'j'])).toBeUndefined();
  });

  test.each<[string, Labels]>([
    ['a dotted grouping label', ['dotted.name', 'v', 'job', 'j']],
    ['a grouping label in UTF-8', ['job', 'j', 'ünï', 'v']],
  ])('gives up on %s, even for a legacy body', (_why, grouping) => {
    expect(transcodeText(encoder.encode('m{a="1"} 1\n'), grouping)).toBeUndefined();
  });

  test('still answers for legacy names', () => {
    expect(transcodeText(encoder.encode('m{a="1"} 1\n'), ['job', 'j'])).toBeDefined();
  });
});
