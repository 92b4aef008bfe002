import type { Config } from '../config';
import type { DeliveryDeadlines } from '../workflows/delivery-messages';

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

export function deliveryDeadlines(
  config: Pick<Config, 'ASSIGNMENT_SLA_MS' | 'BUSINESS_TIMEZONE'>,
  createdAt: string,
  deliveryDate: string,
): DeliveryDeadlines {
  return {
    assignBy: new Date(Date.parse(createdAt) + config.ASSIGNMENT_SLA_MS).toISOString(),
    dueBy: endOfDate(deliveryDate, config.BUSINESS_TIMEZONE).toISOString(),
    timeZone: config.BUSINESS_TIMEZONE,
  };
}
