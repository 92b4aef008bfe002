import type { FailureReason } from '../domain/failure-reasons';

/** One move of the simulated courier, as a person's request would make it. */
export type CourierStep =
  | { kind: 'assign' }
  | { kind: 'transition'; status: 'IN_TRANSIT' | 'COMPLETED' }
  | { kind: 'transition'; status: 'FAILED'; failureReason: FailureReason };

export interface SandboxCourierInput {
  deliveryId: string;
  /** The delivery workflow's id (its idempotency key). */
  workflowId: string;
  productName: string;
}

/** The courier's workflow id: one per sandbox delivery, so a repeated create starts none. */
export const sandboxCourierWorkflowId = (deliveryId: string) => `sandbox-courier-${deliveryId}`;
