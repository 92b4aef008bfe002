/** Where a tracking page lives: public, no account, the token as the last path segment. */
export const TRACKING_PATH = '/track';

/** Where the dispatch console is served (src/api/console.ts). */
export const CONSOLE_PATH = '/console';

/**
 * What a tracking token looks like (`newTrackingToken`'s, or a migrated row's 244-bit one). Here,
 * not beside the generator, so browser code and schemas can read it without `node:crypto`.
 */
export const TRACKING_TOKEN_PATTERN = '^[A-Za-z0-9_-]{32,64}$';

export const trackingUrl = (publicUrl: string, token: string) =>
  `${publicUrl}${TRACKING_PATH}/${token}`;

/** Where an attachment is fetched, with the credentials that may see its delivery. */
export const attachmentUrl = (publicUrl: string, deliveryId: string, attachmentId: string) =>
  `${publicUrl}/api/v1/deliveries/${deliveryId}/attachments/${attachmentId}`;

/** The admin's offers in the console (`#/offers`): an offered delivery's own page is not theirs yet. */
export const consoleOffersUrl = (publicUrl: string) => `${publicUrl}${CONSOLE_PATH}#/offers`;

/** The delivery's page in the console (its router's `#/deliveries/<id>`), after signing in. */
export const consoleDeliveryUrl = (publicUrl: string, deliveryId: string) =>
  `${publicUrl}${CONSOLE_PATH}#/deliveries/${deliveryId}`;
