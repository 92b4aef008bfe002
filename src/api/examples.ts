import { utcDate } from '../domain/utc-date';

const DAY_MS = 86_400_000;

/** A UTC calendar date `days` from now (YYYY-MM-DD), for examples that must stay in the future. */
export const dateInDays = (days: number): string => utcDate(Date.now() + days * DAY_MS);

/** An instant `days` from now at `hour`:00 UTC (midnight by default), for `date-time` examples. */
export const instantInDays = (days: number, hour = 0): string =>
  `${dateInDays(days)}T${String(hour).padStart(2, '0')}:00:00Z`;
