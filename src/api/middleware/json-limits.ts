/** No request of this API nests deeper than a few levels; the bound keeps every walk shallow. */
export const MAX_JSON_DEPTH = 32;
/** Members and elements in all: far above any real request, far below what costs the server. */
export const MAX_JSON_VALUES = 1000;

/** A JSON body's bounds: its bytes and its members and elements in all. */
export interface JsonLimits {
  bytes: number;
  values: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { bytes: 1024 * 1024, values: MAX_JSON_VALUES };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Why JSON text exceeds the bounds, or null: counted in one pass over the text before it is
 * parsed, so a hostile body is refused for the price of reading it. Malformed text is left to
 * JSON.parse; this only counts brackets and commas outside strings.
 */
export function jsonLimitExceeded(text: string, maxValues = MAX_JSON_VALUES): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  let escaped = false;
  let justOpened = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (SPACE.has(c)) continue;
    // A container's first member or element has no comma before it.
    if (justOpened && !CLOSE.has(c)) values++;
    justOpened = false;
    if (c === QUOTE) inString = true;
    else if (c === COMMA) values++;
    else if (OPEN.has(c)) {
      depth++;
      justOpened = true;
      if (depth > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (CLOSE.has(c)) depth--;
    if (values > maxValues) return `holds more than ${maxValues} values`;
  }
  return null;
}
