import { utcDate } from '../domain/utc-date';

const DAY_MS = 86_400_000;

/** A UTC calendar date `days` from now (YYYY-MM-DD), for examples that must stay in the future. */
export const dateInDays = (days: number): string => utcDate(Date.now() + days * DAY_MS);

/** An instant `days` from now at midnight UTC, for `date-time` examples. */
export const instantInDays = (days: number): string => `${dateInDays(days)}T00:00:00Z`;
