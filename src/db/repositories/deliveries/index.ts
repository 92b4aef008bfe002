// The deliveries repository: every statement on `deliveries` and `delivery_events`, read by the
// API (reads.ts, stats.ts) and written by the API's creation and the workflow's local activity (writes.ts).
export * from './reads';
export * from './writes';
export * from './stats';
