// The bytes that structure a stored text line (`name{a="1",b="2"} 3\n`), named once for every file that writes or reads one.
export const NEWLINE = 0x0a;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const EQUALS = 0x3d;
export const BACKSLASH = 0x5c;
export const LETTER_N = 0x6e;
export const BRACE_OPEN = 0x7b;
export const BRACE_CLOSE = 0x7d;
