import type { StoredDelivery, StoredTimelineEvent } from '../db/repositories/deliveries';
import type { DeliveryProof } from '../domain/delivery-events';
import type { DeliveryResource, TimelineEvent } from '../schemas/deliveries';
import { attachmentUrl, trackingUrl } from './tracking-links';

type ProofLinks = DeliveryResource['proof'];

function proofLinks(
  publicUrl: string,
  deliveryId: string,
  proof: DeliveryProof | null,
): ProofLinks {
  if (!proof) return null;
  return {
    ...proof,
    attachments: proof.attachments.map((a) => ({
      ...a,
      url: attachmentUrl(publicUrl, deliveryId, a.id),
    })),
  };
}

/**
 * A delivery as the API answers it and webhooks carry it: the stored record plus its links (the
 * tracking page, the proof's images). Pure, so the API and the worker's channels share it.
 */
export function deliveryResource(publicUrl: string, delivery: StoredDelivery): DeliveryResource {
  const { tracking_token: token, proof, attention, ...fields } = delivery;
  return {
    ...fields,
    // Absent on an answer the workflow gave (a create, a change): the run is live, nothing to flag.
    attention: attention ?? null,
    proof: proofLinks(publicUrl, delivery.id, proof),
    tracking_url: trackingUrl(publicUrl, token),
  };
}

export function timelineEventResource(
  publicUrl: string,
  deliveryId: string,
  event: StoredTimelineEvent,
): TimelineEvent {
  return { ...event, proof: proofLinks(publicUrl, deliveryId, event.proof) };
}
