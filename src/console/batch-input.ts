/**
 * What a shop pastes or uploads as a batch, read into `POST /deliveries/batches`'s body: CSV with
 * a header row of the create's field names (what a spreadsheet or a shop's order export gives),
 * or the API's own JSON (`{"deliveries": [...]}`, or the array alone).
 */

/** The CSV columns the console knows, in the order the hint shows them. */
export const BATCH_CSV_COLUMNS = [
  'idempotency_key',
  'product_name',
  'delivery_address',
  'delivery_date',
  'dropoff_window_start',
  'dropoff_window_end',
  'recipient_name',
  'recipient_phone',
  'recipient_email',
  'notes',
  'proof_required',
] as const;

export class BatchInputError extends Error {}

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += char;
  }
  if (quoted) throw new BatchInputError('The CSV has a quote that is never closed.');
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records.filter((r) => r.some((value) => value.trim() !== ''));
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};

/** One CSV row as a batch item: empty cells left out, the window's two columns made one field. */
function rowToDelivery(header: readonly string[], row: readonly string[]): Record<string, unknown> {
  const delivery: Record<string, unknown> = {};
  header.forEach((column, index) => {
    const value = (row[index] ?? '').trim();
    if (value === '') return;
    if (column === 'dropoff_window_start' || column === 'dropoff_window_end') {
      const window = (delivery['dropoff_window'] ??= {}) as Record<string, string>;
      window[column === 'dropoff_window_start' ? 'start' : 'end'] = value;
    } else if (column === 'proof_required') {
      delivery[column] = BOOLEAN_WORDS[value.toLowerCase()] ?? value;
    } else delivery[column] = value;
  });
  return delivery;
}

function fromCsv(text: string): Record<string, unknown>[] {
  const [header, ...rows] = csvRecords(text);
  if (!header || rows.length === 0) {
    throw new BatchInputError(
      'The CSV needs a header row naming the columns (idempotency_key, product_name, …) and one row per delivery.',
    );
  }
  const names = header.map((name) => name.trim().replace(/^\uFEFF/, ''));
  return rows.map((row) => rowToDelivery(names, row));
}

function fromJson(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BatchInputError('This is not valid JSON.');
  }
  const list = Array.isArray(parsed)
    ? parsed
    : (parsed as { deliveries?: unknown } | null)?.deliveries;
  if (!Array.isArray(list)) {
    throw new BatchInputError('The JSON must be {"deliveries": [...]} or an array of deliveries.');
  }
  return list;
}

/** The batch body from pasted or uploaded text: JSON when it starts like JSON, CSV otherwise. */
export function parseBatch(text: string): { deliveries: unknown[] } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new BatchInputError('Choose a file or paste the deliveries.');
  const deliveries = /^[[{]/.test(trimmed) ? fromJson(trimmed) : fromCsv(trimmed);
  return { deliveries };
}
