import type { Db } from '../db/knex';
import {
  listDeliveries,
  type DeliveryFilters,
  type StoredDelivery,
} from '../db/repositories/deliveries';
import { deliveryResource } from '../tracking/delivery-resource';
import type { Viewer } from '../domain/delivery-visibility';
import { csvRecord, type CsvCell } from './csv';
import type { DeliveryResource } from '../schemas/deliveries';

/**
 * The export's columns, in order: the header row names them as the JSON fields do. A new column
 * goes last, so a reader that counts columns is not shifted.
 */
const COLUMNS: readonly [string, (d: DeliveryResource) => CsvCell][] = [
  ['id', (d) => d.id],
  ['status', (d) => d.status],
  ['product_name', (d) => d.product_name],
  ['delivery_address', (d) => d.delivery_address],
  ['delivery_date', (d) => d.delivery_date],
  ['dropoff_window_start', (d) => d.dropoff_window?.start ?? null],
  ['dropoff_window_end', (d) => d.dropoff_window?.end ?? null],
  ['recipient_name', (d) => d.recipient_name],
  ['recipient_phone', (d) => d.recipient_phone],
  ['recipient_email', (d) => d.recipient_email],
  ['notes', (d) => d.notes],
  ['proof_required', (d) => d.proof_required],
  ['partner_id', (d) => d.partner_id],
  ['assigned_to', (d) => d.assigned_to],
  ['failure_reason', (d) => d.failure_reason],
  ['received_by', (d) => d.proof?.received_by ?? null],
  ['tracking_url', (d) => d.tracking_url],
  ['created_at', (d) => d.created_at],
  ['updated_at', (d) => d.updated_at],
  ['sandbox', (d) => d.sandbox],
];

export const EXPORT_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** Rows per keyset page: what the export holds in memory at once, whatever the total. */
const EXPORT_PAGE_ROWS = 1000;

function pageText(publicUrl: string, rows: readonly StoredDelivery[]): string {
  return rows
    .map((row) => {
      const resource = deliveryResource(publicUrl, row);
      return csvRecord(COLUMNS.map(([, cell]) => cell(resource)));
    })
    .join('');
}

/**
 * The viewer's deliveries matching `filters`, newest first, as CSV text in chunks of one keyset
 * page. The first page is read before this returns, so a refused filter or an unreachable
 * database is still an error answer rather than a cut-off file.
 */
export async function exportDeliveriesCsv(
  db: Db,
  publicUrl: string,
  viewer: Viewer,
  filters: DeliveryFilters,
): Promise<AsyncIterable<string>> {
  const first = await listDeliveries(db, viewer, filters, { limit: EXPORT_PAGE_ROWS });
  async function* chunks(): AsyncGenerator<string> {
    yield csvRecord(EXPORT_COLUMNS);
    let page = first;
    yield pageText(publicUrl, page.rows);
    while (page.next_cursor !== null) {
      page = await listDeliveries(db, viewer, filters, {
        limit: EXPORT_PAGE_ROWS,
        cursor: page.next_cursor,
      });
      yield pageText(publicUrl, page.rows);
    }
  }
  return chunks();
}
