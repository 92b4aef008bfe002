/**
 * RFC 4180 text: fields separated by commas, records by CRLF; a field with a comma, a quote, CR
 * or LF is quoted, its quotes doubled.
 */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A text cell a spreadsheet would take for a formula (OWASP "CSV injection": `=`, `+`, `-`, `@`,
 * tab, CR) gets a leading apostrophe, so opening an export never runs what someone typed into an
 * order. Only text cells: numbers, dates and ids never start that way.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | boolean | null;

function field(cell: CsvCell): string {
  if (cell === null) return '';
  const text = typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : String(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(field).join(',')}\r\n`;
}
