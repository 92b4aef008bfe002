import { randomBytes } from 'node:crypto';

/** 192 random bits, base64url: the last path segment of a tracking link, never derived from ids. */
export const newTrackingToken = (): string => randomBytes(24).toString('base64url');
