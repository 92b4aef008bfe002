/**
 * Why a delivery could not be delivered: a closed catalogue, so partners can act on a code and
 * the recipient reads the same words for the same cause. `other` needs a free-text reason.
 */
export const FAILURE_REASONS = [
  'recipient_unavailable',
  'address_not_found',
  'refused',
  'damaged',
  'other',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** What the courier picks (console) and what the recipient reads (tracking page, email). */
export function failureReasonWording(code: FailureReason): { label: string; public: string } {
  switch (code) {
    case 'recipient_unavailable':
      return {
        label: 'Recipient unavailable',
        public: 'Nobody was available to receive the parcel.',
      };
    case 'address_not_found':
      return { label: 'Address not found', public: 'The courier could not find the address.' };
    case 'refused':
      return { label: 'Refused by the recipient', public: 'The parcel was refused at the door.' };
    case 'damaged':
      return { label: 'Parcel damaged', public: 'The parcel was damaged on the way.' };
    case 'other':
      return { label: 'Other (say why)', public: 'The parcel could not be delivered.' };
    default: {
      const unknown: never = code;
      throw new Error(`Unknown failure reason ${String(unknown)}`);
    }
  }
}
