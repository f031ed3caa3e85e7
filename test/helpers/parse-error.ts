// The ParseError a parse throws, for tests of the parsers' refusals.
import { ParseError } from '../../src/parse/parse-error.ts';

/** The ParseError `parse` throws; fails the test if it throws none or another kind of error. */
export function parseErrorOf(parse: () => unknown): ParseError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError, but parsing succeeded');
}
