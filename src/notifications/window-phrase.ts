import type { DropoffWindow } from '../schemas/deliveries';

const DAY: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
};
const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/**
 * A drop-off window as the recipient reads it, in the business time zone (named, since the
 * reader may be elsewhere): "on Tue, 8 Dec 2026 between 14:00 and 16:00 (Europe/Berlin)", or
 * "between <day>, <time> and <day>, <time> (<zone>)" when it spans days.
 */
export function windowPhrase(window: DropoffWindow, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { ...DAY, timeZone });
  const time = new Intl.DateTimeFormat('en-GB', { ...TIME, timeZone });
  const start = new Date(window.start);
  const end = new Date(window.end);
  if (day.format(start) === day.format(end)) {
    return `on ${day.format(start)} between ${time.format(start)} and ${time.format(end)} (${timeZone})`;
  }
  return `between ${day.format(start)}, ${time.format(start)} and ${day.format(end)}, ${time.format(end)} (${timeZone})`;
}
