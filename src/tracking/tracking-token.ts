import { randomBytes } from 'node:crypto';

/** 192 random bits, base64url: the last path segment of a tracking link, never derived from ids. */
export const newTrackingToken = (): string => randomBytes(24).toString('base64url');

/** What a tracking token looks like (this generator's, or a migrated row's 244-bit one). */
export const TRACKING_TOKEN_PATTERN = '^[A-Za-z0-9_-]{32,64}$';
