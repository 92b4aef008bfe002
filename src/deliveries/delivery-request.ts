import { ValidationError, unprocessable, type FieldError } from '../domain/errors';
import type { CreateDeliveryRequest } from '../schemas/deliveries';
import type { DeliveryRequest } from '../workflows/delivery-messages';
import { dateIn } from './deadlines';

const WINDOW_MAX_MS = 7 * 86_400_000;

const invalid = (errors: FieldError[]) =>
  new ValidationError('The request body is invalid.', errors);

function windowErrors(window: { start: string; end: string }, now: number): FieldError[] {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const errors: FieldError[] = [];
  if (start <= now)
    errors.push({ field: 'dropoff_window.start', message: 'must be in the future' });
  if (end <= start) {
    errors.push({ field: 'dropoff_window.end', message: 'must be after the start' });
  } else if (end - start > WINDOW_MAX_MS) {
    errors.push({ field: 'dropoff_window.end', message: 'must be at most 7 days after the start' });
  }
  return errors;
}

/**
 * The request as the workflow keeps it: its window checked against the clock, and its date
 * settled. "Today" is the business's, the day whose end makes a delivery overdue (not UTC's);
 * with a window, the date is the day the window ends there, and a date that says otherwise is
 * refused rather than silently replaced.
 */
export function settleDeliveryRequest(
  request: CreateDeliveryRequest,
  now: number,
  timeZone: string,
): DeliveryRequest {
  const window = request.dropoff_window;
  if (!window) {
    // The schema requires one of the two; a caller that skipped it still gets the same words.
    if (request.delivery_date === undefined) {
      throw invalid([
        { field: 'delivery_date', message: 'is required unless dropoff_window is given' },
      ]);
    }
    const today = dateIn(now, timeZone);
    if (request.delivery_date < today) {
      throw invalid([
        { field: 'delivery_date', message: `must be today (${today}, ${timeZone}) or later` },
      ]);
    }
    return { ...request, delivery_date: request.delivery_date };
  }
  const errors = windowErrors(window, now);
  if (errors.length > 0) throw invalid(errors);
  const windowDate = dateIn(Date.parse(window.end), timeZone);
  if (request.delivery_date !== undefined && request.delivery_date !== windowDate) {
    throw unprocessable(`The drop-off window ends on ${windowDate} (${timeZone}).`, {
      field: 'delivery_date',
      message: `must be ${windowDate}, the date the drop-off window ends (${timeZone}), or left out`,
    });
  }
  return { ...request, delivery_date: windowDate };
}
