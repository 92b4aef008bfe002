/**
 * How the tracking page writes times: on the server for the page as served and in the browser for
 * each live update, the same words in the platform's business time zone (where the recipient is),
 * whatever zone the phone is set to. Pure: no DOM, no Node APIs.
 */
import type { PublicTracking } from '../schemas/tracking';

const LOCALE = 'en-GB';
const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { timeZone, ...options });
    formats.set(key, format);
  }
  return format;
}

const DAY: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' };
const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };

const day = (at: string, timeZone: string) => formatter(timeZone, DAY).format(Date.parse(at));
const time = (at: string, timeZone: string) => formatter(timeZone, TIME).format(Date.parse(at));

/** "Tuesday 9 December, 14:00–16:00", or the day alone ("Tuesday 9 December") without a window. */
export function expectedText(view: PublicTracking, timeZone: string): string {
  const window = view.dropoff_window;
  if (!window) return formatter('UTC', DAY).format(Date.parse(`${view.delivery_date}T12:00:00Z`));
  const [startDay, endDay] = [day(window.start, timeZone), day(window.end, timeZone)];
  const [start, end] = [time(window.start, timeZone), time(window.end, timeZone)];
  return startDay === endDay
    ? `${startDay}, ${start}–${end}`
    : `${startDay}, ${start} – ${endDay}, ${end}`;
}

/** A timeline step's time: "Tue 9 Dec, 14:03". */
export function stepTimeText(at: string, timeZone: string): string {
  return `${formatter(timeZone, SHORT_DAY).format(Date.parse(at))}, ${time(at, timeZone)}`;
}

/** The sentence beside the courier's first name. */
export const courierText = (firstName: string) => `Your courier is ${firstName}.`;

export const LATE_TEXT = 'Running late';
