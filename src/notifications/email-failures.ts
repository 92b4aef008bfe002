import { Errors } from 'postmark';

/** ApplicationFailure types of the email activity; stable, shown in the Temporal UI. */
export const EMAIL_FAILURE_TYPES = {
  transient: 'email-transient',
  inactiveRecipient: 'email-inactive-recipient',
  invalidAddress: 'email-invalid-address',
  rejected: 'email-rejected',
} as const;

export type EmailFailureType = (typeof EMAIL_FAILURE_TYPES)[keyof typeof EMAIL_FAILURE_TYPES];

export interface EmailFailure {
  type: EmailFailureType;
  permanent: boolean;
  /** Postmark's ErrorCode, when it answered with one. */
  code: number | null;
  message: string;
}

// Postmark's API error codes (https://postmarkapp.com/developer/api/overview#error-codes).
const INVALID_EMAIL_REQUEST = 300;
const INACTIVE_RECIPIENT = 406;

/**
 * Network errors, timeouts, 5xx and 429 may succeed later; any other 4xx will fail the same way
 * every time (bad recipient, bad token, bad payload), so retrying only delays the record of it.
 */
export function classifyEmailError(error: unknown): EmailFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof Errors.PostmarkError)) {
    return { type: EMAIL_FAILURE_TYPES.transient, permanent: false, code: null, message };
  }
  const { statusCode } = error;
  const code = error.code || null;
  const transient = !statusCode || statusCode >= 500 || statusCode === 429 || statusCode === 408;
  if (transient) return { type: EMAIL_FAILURE_TYPES.transient, permanent: false, code, message };
  return {
    type: permanentFailureType(code),
    permanent: true,
    code,
    message: `HTTP ${statusCode}: ${message}`,
  };
}

/** The failure type of a permanent rejection, from Postmark's ErrorCode. */
export function permanentFailureType(code: number | null): EmailFailureType {
  if (code === INACTIVE_RECIPIENT) return EMAIL_FAILURE_TYPES.inactiveRecipient;
  if (code === INVALID_EMAIL_REQUEST) return EMAIL_FAILURE_TYPES.invalidAddress;
  return EMAIL_FAILURE_TYPES.rejected;
}
