// The bytes a JSON scanner looks at (RFC 8259's structural characters and white space), for the
// readers that walk JSON files too large for one string or one JSON.parse: sandbox/large-json.ts,
// sandbox/world-index.ts and bench/json-members.ts.
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
export const COLON = 0x3a;

/** Space, line feed, carriage return, tab: JSON's white space. */
export const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
