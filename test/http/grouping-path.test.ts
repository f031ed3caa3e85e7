// parseGroupingPath: job segment + label path → grouping labels or Go's message (SPEC §2.2–2.4, the §2.7 table).
// Inputs are percent-decoded already and hold one char per byte (latin1), as matchRoute hands them over.
import { describe, expect, test } from 'bun:test';
import type { Labels } from '../../src/model/metric.ts';
import { type GroupingResult, parseGroupingPath } from '../../src/http/grouping-path.ts';

const ok = (...labels: Labels): GroupingResult => ({ ok: true, labels });
const error = (message: string): GroupingResult => ({ ok: false, error: message });

/** The UTF-8 bytes of `text` as a latin1 string, i.e. what percent-decoding `text`'s encoded form yields. */
function bytesOf(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

// [why the case exists, job segment, job is base64, label path, result]
type Case = [string, string, boolean, string, GroupingResult];

// Every row of the §2.7 table that reaches the handler, plus the §2.3 rules around it.
const PATH_ROWS: Case[] = [
  ['§2.7: a plain job', 'j1', false, '', ok('job', 'j1')],
  ['§2.3: a lone slash adds no labels', 'j1', false, '/', ok('job', 'j1')],
  ['§2.3: a repeated name keeps the last value', 'j1', false, '/a/1/a/2', ok('a', '2', 'job', 'j1')],
  ['§2.2 step 4: the job segment overwrites a job pair', 'j1', false, '/job/other', ok('job', 'j1')],
  ['§2.2 step 4: also a base64 job pair', 'j1', false, '/job@base64/b3RoZXI', ok('job', 'j1')],
  ['§2.3: a trailing slash after a name gives it an empty value', 'j3', false, '/x/', ok('job', 'j3', 'x', '')],
  ['§2.3: so does /instance/', 'j1', false, '/instance/', ok('instance', '', 'job', 'j1')],
  ['§2.7: one component is odd', 'j3', false, '/x', error('odd number of components in label string "/x"')],
  ['§2.7: a trailing slash after a value makes three components', 'j1', false, '/instance/i1/',
    error('odd number of components in label string "/instance/i1/"')],
  ['§2.7: a decoded %2F splits a name (l%2Fb/v)', 'x', false, '/l/b/v', error('odd number of components in label string "/l/b/v"')],
  ['§2.7: reserved prefix', 'j1', false, '/__a/1', error('improper label name "__a"')],
  ['§2.7: a dash', 'j1', false, '/a-b/1', error('improper label name "a-b"')],
  ['§2.3: a leading digit', 'j1', false, '/1a/1', error('improper label name "1a"')],
  ['§2.3: an equals sign', 'j1', false, '/a=b/1', error('improper label name "a=b"')],
  ['§2.3: a semicolon', 'j1', false, '/l;a/1', error('improper label name "l;a"')],
  ['§2.3: __name__ is reserved too', 'j1', false, '/__name__/1', error('improper label name "__name__"')],
  ['§2.3: an empty name (only reachable via %2F%2F)', 'j1', false, '//v', error('improper label name ""')],
  ['§2.3: only one @base64 suffix is removed', 'x', false, '/l@base64@base64/YQ', error('improper label name "l@base64"')],
  ['§2.3: a colon is fine in metric names but not in label names', 'x', false, '/a:b/1', error('improper label name "a:b"')],
  ['§2.3: a lone underscore and digits after the first char are fine', 'x', false, '/_/1/A9/2', ok('A9', '2', '_', '1', 'job', 'x')],
  ['§2.3: U__ names are ordinary legacy names without the UTF-8 flag', 'x', false, '/U__foo_2e_bar/1', ok('U__foo_2e_bar', '1', 'job', 'x')],
  ['§2.7: a decoded %20 stays in the value', 'x', false, '/l/a b', ok('job', 'x', 'l', 'a b')],
  ['§2.7: + is a literal + in job and value', 'x+y', false, '/l/a+b+c d', ok('job', 'x+y', 'l', 'a+b+c d')],
  ['§2.2: a decoded %00 is accepted', 'x', false, '/l/\u0000', ok('job', 'x', 'l', '\u0000')],
  ['labels come back sorted by name', 'j1', false, '/zz/1/aa/2', ok('aa', '2', 'job', 'j1', 'zz', '1')],
  ['the job sorts among the path labels', 'j1', false, '/a/1/zone/z', ok('a', '1', 'job', 'j1', 'zone', 'z')],
];

const BASE64_ROWS: Case[] = [
  ['§2.7: a padded base64 job', 'dGVzdC9qb2I=', true, '', ok('job', 'test/job')],
  ['§2.7: an unpadded base64 job', 'dGVzdC9qb2I', true, '', ok('job', 'test/job')],
  ['§2.7: a base64 job with three =', 'dGVzdC9qb2I===', true, '', ok('job', 'test/job')],
  ['§2.7: = is the empty job', '=', true, '', error('job name is required')],
  ['§2.2: == is the empty job too', '==', true, '', error('job name is required')],
  ['§2.7: the job error quotes what was decoded before the bad byte', 'dGVzdC9qb2I+', true, '',
    error('invalid base64 encoding in job name "test/j": illegal base64 data at input byte 11')],
  ['§2.4: the decoded prefix is quoted the Go way (%q of bytes i\\xb7\\x1d)', 'abcde', true, '',
    error('invalid base64 encoding in job name "i\\xb7\\x1d": illegal base64 data at input byte 4')],
  ['§2.7: l@base64/= is the empty value', 'x', false, '/l@base64/=', ok('job', 'x', 'l', '')],
  ['§2.7: l@base64/== is the empty value', 'x', false, '/l@base64/==', ok('job', 'x', 'l', '')],
  ['§2.4: no =', 'x', false, '/l@base64/YWI', ok('job', 'x', 'l', 'ab')],
  ['§2.4: one =', 'x', false, '/l@base64/YWI=', ok('job', 'x', 'l', 'ab')],
  ['§2.4: two =', 'x', false, '/l@base64/YWI==', ok('job', 'x', 'l', 'ab')],
  ['§2.4: three =', 'x', false, '/l@base64/YWI===', ok('job', 'x', 'l', 'ab')],
  ['§2.4: a value holding a slash (Go client, unpadded)', 'x', false, '/path@base64/L3Zhci90bXA', ok('job', 'x', 'path', '/var/tmp')],
  ['§2.4: the same, padded (Python client)', 'x', false, '/path@base64/L3Zhci90bXA=', ok('job', 'x', 'path', '/var/tmp')],
  ['§2.4: over-padded', 'x', false, '/l@base64/bGFiZWwvdmFsdWUy==', ok('job', 'x', 'l', 'label/value2')],
  ['§2.4: non-zero trailing bits are tolerated', 'x', false, '/l@base64/ab', ok('job', 'x', 'l', 'i')],
  ['§2.4: URL-safe - and _ decode (to valid UTF-8 here)', 'x', false, '/l@base64/w7_Dvw', ok('job', 'x', 'l', 'ÿÿ')],
  ['§2.7: the label error quotes the raw value', 'b', false, '/path@base64/!!!',
    error('invalid base64 encoding for label path="!!!": illegal base64 data at input byte 0')],
  ['§2.4: a length of 1 mod 4 fails at the lone last char', 'x', false, '/l@base64/a', error('invalid base64 encoding for label l="a": illegal base64 data at input byte 0')],
  ['§2.4: also after whole quanta', 'x', false, '/l@base64/YWJjY', error('invalid base64 encoding for label l="YWJjY": illegal base64 data at input byte 4')],
  ['§2.4: a dot', 'x', false, '/l@base64/foo.bar', error('invalid base64 encoding for label l="foo.bar": illegal base64 data at input byte 3')],
  ['§2.4: the standard alphabet + is refused', 'x', false, '/l@base64/+', error('invalid base64 encoding for label l="+": illegal base64 data at input byte 0')],
  ['§2.4: = in the middle is refused', 'x', false, '/l@base64/YQ=YQ', error('invalid base64 encoding for label l="YQ=YQ": illegal base64 data at input byte 2')],
  ['§2.4: the offset counts from the start past two whole quanta', 'x', false, '/l@base64/YWJjZGVmZ2g!aaaa',
    error('invalid base64 encoding for label l="YWJjZGVmZ2g!aaaa": illegal base64 data at input byte 11')],
  ['§2.4: a base64 job pair in the path is decoded before the job overwrites it', 'j', false, '/job@base64/!', error('invalid base64 encoding for label job="!": illegal base64 data at input byte 0')],
];

// Go's decoder skips \r and \n (reachable as %0D/%0A). Offsets still count them: printed by Go 1.19's
// base64.RawURLEncoding.DecodeString.
const NEWLINE_ROWS: Case[] = [
  ['§2.4: a \\n inside a quantum is skipped', 'x', false, '/l@base64/YW\nJj', ok('job', 'x', 'l', 'abc')],
  ['§2.4: \\r\\n is skipped', 'x', false, '/l@base64/YW\r\nJj', ok('job', 'x', 'l', 'abc')],
  ['§2.4: a leading \\n is skipped', 'x', false, '/l@base64/\nYWJj', ok('job', 'x', 'l', 'abc')],
  ['§2.4: a trailing \\n is skipped', 'x', false, '/l@base64/YWJj\n', ok('job', 'x', 'l', 'abc')],
  ['§2.4: a value of only \\n is empty', 'x', false, '/l@base64/\n', ok('job', 'x', 'l', '')],
  ['§2.4: a bad byte after a \\n is reported at its own offset', 'x', false, '/l@base64/YW\nJ!',
    error('invalid base64 encoding for label l="YW\\nJ!": illegal base64 data at input byte 4')],
  ['§2.4: a lone char after a \\n is reported at its offset', 'x', false, '/l@base64/YWJj\nY',
    error('invalid base64 encoding for label l="YWJj\\nY": illegal base64 data at input byte 5')],
  ['§2.4: Go reports a lone char followed by \\n at the last byte, not at the char', 'x', false, '/l@base64/YWJjY\n',
    error('invalid base64 encoding for label l="YWJjY\\n": illegal base64 data at input byte 5')],
  ['§2.4: the same for a lone first char', 'x', false, '/l@base64/Y\n\n',
    error('invalid base64 encoding for label l="Y\\n\\n": illegal base64 data at input byte 2')],
];

// The order of SPEC §2.2: base64 job, then the label path, then "job name is required".
const ORDER_ROWS: Case[] = [
  ['a bad base64 job is reported before a bad label path', '!', true, '/x',
    error('invalid base64 encoding in job name "": illegal base64 data at input byte 0')],
  ['an odd label path is reported before an empty job', '=', true, '/x', error('odd number of components in label string "/x"')],
  ['an improper name is reported before an empty job', '=', true, '/__a/1', error('improper label name "__a"')],
  ['the first improper name is reported', 'j', false, '/ok/1/a-b/2/c-d/3', error('improper label name "a-b"')],
];

// Bytes that are not ASCII: quoted with Go's %q, decoded as UTF-8 when valid, refused when not ([Rec] of §2.3).
const BYTES_ROWS: Case[] = [
  ['§2.2: a decoded %CE%A0 is Π in the job', bytesOf('Π'), false, '', ok('job', 'Π')],
  ['§2.2: and in a value', 'x', false, `/l/${bytesOf('Π✓')}`, ok('job', 'x', 'l', 'Π✓')],
  ['a base64 value decoding to UTF-8', 'x', false, '/l@base64/zqA', ok('job', 'x', 'l', 'Π')],
  ['a base64 job decoding to UTF-8', 'zqA', true, '', ok('job', 'Π')],
  ['§5.7: a base64 value that is not UTF-8 is refused at the URL stage', 'x', false, '/l@base64/_-8',
    error('label value "\\xff\\xef" for label l is not valid UTF-8')],
  ['a base64 job that is not UTF-8 is refused', '_-8', true, '', error('label value "\\xff\\xef" for label job is not valid UTF-8')],
  ['a percent-decoded value that is not UTF-8 is refused', 'x', false, '/l/a\xffb', error('label value "a\\xffb" for label l is not valid UTF-8')],
  ['a percent-decoded job that is not UTF-8 is refused', '\xc3', false, '', error('label value "\\xc3" for label job is not valid UTF-8')],
  ['a truncated UTF-8 sequence is refused', 'x', false, `/l/${bytesOf('Π').slice(0, 1)}`, error('label value "\\xce" for label l is not valid UTF-8')],
  ['an encoded surrogate is refused', 'x', false, '/l/\xed\xa0\x80', error('label value "\\xed\\xa0\\x80" for label l is not valid UTF-8')],
  // Issue 11, finding 4: Bun's URL parser puts U+FFFD where a raw path had bytes that are not UTF-8.
  ['a U+FFFD job, from a raw \\xff in the path, is refused', bytesOf('\ufffd'), false, '',
    error('label value "\ufffd" for label job contains U+FFFD, which stands for path bytes that are not valid UTF-8; send the character itself in @base64')],
  ['so is a U+FFFD in a value', 'x', false, `/l/a${bytesOf('\ufffd')}b`,
    error('label value "a\ufffdb" for label l contains U+FFFD, which stands for path bytes that are not valid UTF-8; send the character itself in @base64')],
  ['a U+FFFD sent in base64 is kept', '77-9', true, '/l@base64/77-9', ok('job', '\ufffd', 'l', '\ufffd')],
  ['an odd path with UTF-8 in it is quoted as text', 'x', false, `/${bytesOf('é')}`, error('odd number of components in label string "/é"')],
  ['an odd path with a stray byte is quoted with \\x', 'x', false, '/\xff', error('odd number of components in label string "/\\xff"')],
  ['an improper name in UTF-8 is quoted as text', 'x', false, `/${bytesOf('é')}/1`, error('improper label name "é"')],
  ['a quote in a name is escaped', 'x', false, '/a"b/1', error('improper label name "a\\"b"')],
  ['a bad base64 value in UTF-8 is quoted as text', 'x', false, `/l@base64/${bytesOf('é')}!`,
    error('invalid base64 encoding for label l="é!": illegal base64 data at input byte 0')],
];

// --push.enable-utf8-names (SPEC §2.3, S9–S11): `U__` names un-escaped, then any valid UTF-8 name.
const UTF8_ROWS: Case[] = [
  ['S10: U__label_2e_name2 is label.name2', 'j', false, '/U__label_2e_name2/v', ok('job', 'j', 'label.name2', 'v')],
  ['S11: base64 values under a plain and an escaped name', 'j', false, '/plain@base64/dmFsdWUx/U__dotted_2e_name@base64/dmFsdWUy',
    ok('dotted.name', 'value2', 'job', 'j', 'plain', 'value1')],
  ['U2: base64 job and values with an escaped name', 'dGVzdC9qb2I', true, '/instance@base64/aW5zdA/U__dotted_2e_label_2e_name@base64/bXk',
    ok('dotted.label.name', 'my', 'instance', 'inst', 'job', 'test/job')],
  ['__ is _ and a hex escape any code point', 'j', false, '/U__a__b_3a0_/1', ok('a_bΠ', '1', 'job', 'j')],
  ['a name in UTF-8 needs no escaping', 'j', false, `/${bytesOf('ünïcode.name')}/1`, ok('job', 'j', 'ünïcode.name', '1')],
  ['a malformed escape leaves the name as sent', 'j', false, '/U__a_2e/1', ok('U__a_2e', '1', 'job', 'j')],
  ['an escaped surrogate is malformed too', 'j', false, '/U__a_d800_/1', ok('U__a_d800_', '1', 'job', 'j')],
  ['the reserved check looks at the escaped form', 'j', false, '/__a/1', error('improper label name "__a"')],
  ['a name that is not UTF-8 is improper', 'j', false, '/a\xffb/1', error('improper label name "a\\xffb"')],
  ['an empty name is improper', 'j', false, '//1', error('improper label name ""')],
  ['an escape to nothing is improper', 'j', false, '/U__/1', error('improper label name "U__"')],
];

describe('parseGroupingPath', () => {
  test('S9: without the flag, U__label_2e_name2 is an ordinary legacy name', () => {
    expect(parseGroupingPath('j', false, '/U__label_2e_name2/v', false)).toEqual(ok('U__label_2e_name2', 'v', 'job', 'j'));
  });

  test.each(UTF8_ROWS)('UTF-8 names: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, true)).toEqual(expected);
  });

  test.each(PATH_ROWS)('label path: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, false)).toEqual(expected);
  });

  test.each(BASE64_ROWS)('base64: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, false)).toEqual(expected);
  });

  test.each(NEWLINE_ROWS)('newlines in base64: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, false)).toEqual(expected);
  });

  test.each(ORDER_ROWS)('order of checks: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, false)).toEqual(expected);
  });

  test.each(BYTES_ROWS)('non-ASCII bytes: %s', (_why, job, jobIsBase64, labelPath, expected) => {
    expect(parseGroupingPath(job, jobIsBase64, labelPath, false)).toEqual(expected);
  });

  test('the plain job segment is used as is, base64-looking or not', () => {
    expect(parseGroupingPath('dGVzdA==', false, '', false)).toEqual(ok('job', 'dGVzdA=='));
  });
});
