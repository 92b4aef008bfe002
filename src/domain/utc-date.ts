/** The UTC calendar date (YYYY-MM-DD) of an instant; the caller supplies the clock. */
export const utcDate = (at: Date | number): string => new Date(at).toISOString().slice(0, 10);
