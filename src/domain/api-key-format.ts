/**
 * Fixed and distinctive, so secret scanners (GitHub's, gitleaks) can be taught to find leaked
 * keys, and so the authenticator tells a key from a JWT (whose first character is always `e`).
 */
export const API_KEY_PREFIX = 'dak_live_';
/** A sandbox key's (issue 21): its deliveries are test ones, walked through by a simulated courier. */
export const SANDBOX_API_KEY_PREFIX = 'dak_test_';
/** Base62 characters after the prefix: about 190 bits. */
export const API_KEY_SECRET_LENGTH = 32;
/** A whole key, as the schema of the answer that shows it states it. */
export const API_KEY_PATTERN = `^(${API_KEY_PREFIX}|${SANDBOX_API_KEY_PREFIX})[0-9A-Za-z]{${API_KEY_SECRET_LENGTH}}$`;
