import { csvRecord, type CsvCell } from '../deliveries/csv';
import { EXPORT_COLUMNS } from '../deliveries/delivery-export';
import { utcDate } from '../domain/utc-date';
import { EXAMPLE_ID } from '../schemas/common';

const DAY_MS = 86_400_000;

/** A UTC calendar date `days` from now (YYYY-MM-DD), for examples that must stay in the future. */
export const dateInDays = (days: number): string => utcDate(Date.now() + days * DAY_MS);

/** An instant `days` from now at `hour`:00 UTC (midnight by default), for `date-time` examples. */
export const instantInDays = (days: number, hour = 0): string =>
  `${dateInDays(days)}T${String(hour).padStart(2, '0')}:00:00Z`;

/** One delivery of the export's example, by column; a column not named here is empty. */
const EXPORT_EXAMPLE_ROW: Record<string, CsvCell> = {
  id: EXAMPLE_ID,
  status: 'COMPLETED',
  product_name: 'Espresso machine',
  delivery_address: '12 Rue de la Paix, 75002 Paris',
  delivery_date: '2030-01-31',
  recipient_name: 'Camille Martin',
  proof_required: false,
  partner_id: '9d1e7c2a-4b3f-4a5e-8c6d-2f1a0b9c8d7e',
  assigned_to: '5b0c3d2e-1f4a-4b6c-9d8e-7f6a5b4c3d2e',
  received_by: 'Camille Martin',
  tracking_url: 'https://delivery.example.com/track/Jq3v…',
  created_at: '2030-01-30T09:12:00.000Z',
  updated_at: '2030-01-31T15:40:00.000Z',
  sandbox: false,
};

/** The export's header row and one delivery, written by the export's own CSV writer. */
export const exportCsvExample = (): string =>
  csvRecord(EXPORT_COLUMNS) + csvRecord(EXPORT_COLUMNS.map((c) => EXPORT_EXAMPLE_ROW[c] ?? null));
