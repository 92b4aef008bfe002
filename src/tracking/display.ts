/**
 * How the tracking page writes times: on the server for the page as served and in the browser for
 * each live update, the same words in the platform's business time zone (where the recipient is),
 * whatever zone the phone is set to. Pure: no DOM, no Node APIs.
 */
import { windowPhrase } from '../notifications/window-phrase';
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

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
const DATE: Intl.DateTimeFormatOptions = { ...SHORT_DAY, year: 'numeric' };

const time = (at: string, timeZone: string) => formatter(timeZone, TIME).format(Date.parse(at));

/**
 * When it is expected, in the words of the recipient's emails (`windowPhrase`): "on Tue, 8 Dec
 * 2026 between 14:00 and 16:00 (Europe/Berlin)", or the day alone ("on Tue, 8 Dec 2026").
 */
export function expectedText(view: PublicTracking, timeZone: string): string {
  if (view.dropoff_window) return windowPhrase(view.dropoff_window, timeZone);
  return `on ${formatter('UTC', DATE).format(Date.parse(`${view.delivery_date}T12:00:00Z`))}`;
}

/** A timeline step's time: "Tue 9 Dec, 14:03". */
export function stepTimeText(at: string, timeZone: string): string {
  return `${formatter(timeZone, SHORT_DAY).format(Date.parse(at))}, ${time(at, timeZone)}`;
}

/** The sentence beside the courier's first name. */
export const courierText = (firstName: string) => `Your courier is ${firstName}.`;

export const LATE_TEXT = 'Running late';
