import { randomUUID } from 'node:crypto';
import type { DeliveryEventNotice } from '../../src/workflows/notify';

/** A delivery change as the workflow would report it, unique by its event key. */
export function notice(overrides: Partial<DeliveryEventNotice> = {}): DeliveryEventNotice {
  const deliveryId = overrides.deliveryId ?? randomUUID();
  return {
    eventKey: `${deliveryId}:${randomUUID()}`,
    type: 'status_changed',
    deliveryId,
    partnerId: randomUUID(),
    assignedTo: null,
    previousAssignee: null,
    fromStatus: 'ASSIGNED',
    toStatus: 'IN_TRANSIT',
    actorId: randomUUID(),
    reason: null,
    at: new Date().toISOString(),
    ...overrides,
  };
}
