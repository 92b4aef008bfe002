import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/domain/delivery-rules';
import type { EmailMessage } from '../../src/notifications/email-message';
import type { ChangeArgs, DeliveryWorkflowInput } from '../../src/workflows/delivery-messages';

/** A delivery workflow's start input for `partnerId`, unique per call. */
export function deliveryInput(partnerId: string): DeliveryWorkflowInput {
  const deliveryId = randomUUID();
  return {
    deliveryId,
    idempotencyKey: `test-delivery-${deliveryId}`,
    payloadHash: `hash-${deliveryId}`,
    partnerId,
    request: {
      product_name: 'Espresso machine',
      delivery_address: '1 Main St',
      delivery_date: '2030-01-01',
    },
    createdAt: new Date().toISOString(),
  };
}

/** The arguments every change update carries, for a test actor. */
export function changeArgs(actor: Actor, reason?: string): ChangeArgs {
  return { actor, requestId: randomUUID(), requestHash: 'test', reason: reason ?? null };
}

/** A caller of the given role with a fresh id (no user row: for tests without a database). */
export function testActor(role: Actor['role']): Actor {
  return { id: randomUUID(), role };
}

/**
 * An email for the outbound activities and workflows, unique per call: its key is
 * `<scope>:<id>:email` and its tag `<scope>.email`; `overrides` replaces any field.
 */
export function emailMessage(scope = 'test', overrides: Partial<EmailMessage> = {}): EmailMessage {
  const id = randomUUID();
  return {
    key: `${scope}:${id}:email`,
    to: `recipient-${id}@example.test`,
    subject: 'Your delivery is on its way',
    textBody: 'text',
    htmlBody: '<p>html</p>',
    tag: `${scope}.email`,
    ...overrides,
  };
}
