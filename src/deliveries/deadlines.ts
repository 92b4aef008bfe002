import type { Config } from '../config';
import type { DeliveryDeadlines, DeliveryRequest } from '../workflows/delivery-messages';

const DAY_MS = 86_400_000;

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs more than the rest of a create's deadline math. */
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(timeZone, format);
  }
  return format;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant` (ms; negative west of UTC). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = wallClock(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The calendar date (YYYY-MM-DD) it is in `timeZone` at `instant`. */
export function dateIn(instant: number, timeZone: string): string {
  return new Date(instant + offsetAt(instant, timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant `date` (YYYY-MM-DD) ends in `timeZone`: midnight at the start of the next day
 * there. Two passes settle the offset even when that midnight falls next to a DST change.
 */
export function endOfDate(date: string, timeZone: string): Date {
  const nextMidnightAsUtc = Date.parse(`${date}T00:00:00Z`) + DAY_MS;
  let instant = nextMidnightAsUtc - offsetAt(nextMidnightAsUtc, timeZone);
  instant = nextMidnightAsUtc - offsetAt(instant, timeZone);
  return new Date(instant);
}

/**
 * The assignment SLA, and when the delivery is due: the end of its drop-off window (missing it
 * is `delivery_late`), or else the end of its date in the business zone (`delivery_overdue`).
 */
export function deliveryDeadlines(
  config: Pick<Config, 'ASSIGNMENT_SLA_MS' | 'BUSINESS_TIMEZONE'>,
  createdAt: string,
  request: DeliveryRequest,
): DeliveryDeadlines {
  const assignBy = new Date(Date.parse(createdAt) + config.ASSIGNMENT_SLA_MS).toISOString();
  const timeZone = config.BUSINESS_TIMEZONE;
  const window = request.dropoff_window;
  if (window) {
    const dueBy = new Date(window.end).toISOString();
    return { assignBy, dueBy, timeZone, dueEvent: 'delivery_late' };
  }
  return { assignBy, dueBy: endOfDate(request.delivery_date, timeZone).toISOString(), timeZone };
}
