/* DOM-free, so a unit test reads it. */
const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// The API's UUID_PATTERN, kept here so the console bundle does not take TypeBox in with it.
const WHOLE_ID = new RegExp(`^['"\`]?(${UUID_SOURCE})['"\`]?$`, 'i');
// A console link (an email's "Open it in the console") or the Temporal UI's list query. Not any
// id in any text: a Temporal workflow's address also holds its run id, which is no delivery's.
const ID_IN_LINK = new RegExp(
  `(?:#/deliveries/|DeliveryId\\s*=\\s*['"]?)(${UUID_SOURCE})(?![0-9a-f])`,
  'i',
);

/**
 * The delivery id in what a person pasted: the id (spaces, quotes and capitals are fine), a
 * console link to the delivery, or `DeliveryId='…'`; null for anything else.
 */
export function deliveryIdIn(text: string): string | null {
  const trimmed = text.trim();
  const id = WHOLE_ID.exec(trimmed)?.[1] ?? ID_IN_LINK.exec(trimmed)?.[1];
  return id ? id.toLowerCase() : null;
}

const PREFIX = /^['"`]?([0-9a-f]{8}[0-9a-f-]{0,27})['"`]?$/i;

/**
 * The start of an id a person typed or pasted (8 hex digits or more, the console's short name of
 * a delivery), lower case; null when it is not one (or is a whole id: `deliveryIdIn` takes that).
 */
export function idPrefixIn(text: string): string | null {
  const prefix = PREFIX.exec(text.trim())?.[1];
  return prefix ? prefix.toLowerCase() : null;
}
