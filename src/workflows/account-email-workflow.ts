import { proxyActivities } from '@temporalio/workflow';
import type { EmailActivities } from '../activities/email';
import type { EmailMessage, EmailOutcome } from '../notifications/email-message';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';

const { sendEmail } = proxyActivities<EmailActivities>(OUTBOUND_ACTIVITY_OPTIONS);

export interface AccountEmailInput {
  message: EmailMessage;
}

/** One per account token: the workflow ID is derived from the token row, so a start is idempotent. */
export const accountEmailWorkflowId = (tokenId: string) => `account-email-${tokenId}`;

/**
 * Sends a verification or password-reset email durably (retried across worker restarts). The
 * outcome is the run's result, so the Temporal UI shows what happened rather than a null.
 */
export async function accountEmailWorkflow(input: AccountEmailInput): Promise<EmailOutcome> {
  return sendEmail.executeWithOptions({ summary: `Email: ${input.message.subject}` }, [
    input.message,
  ]);
}
