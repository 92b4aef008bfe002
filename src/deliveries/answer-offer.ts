import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../accounts/auth-user';
import { findDeliveryById } from '../db/repositories/deliveries';
import { findOffer } from '../db/repositories/dispatch';
import { offerClosedMessage } from '../domain/dispatch';
import { DomainError, notFound } from '../domain/errors';
import { canonicalJson } from '../domain/idempotency-key';
import {
  acceptOfferUpdate,
  declineOfferUpdate,
  type ChangeAnswer,
  type OfferAnswerArgs,
} from '../workflows/delivery-messages';
import { isClosedRun, withTemporalDeadline } from '../temporal/calls';
import type { ChangedDelivery } from './change-delivery';
import type { DeliveryDeps } from './deps';
import { assertIdempotencyHeader, changeUpdateId, sha256 } from './idempotency';
import { deliveryErrorFrom } from './workflow-refusals';

export type OfferAnswer = { kind: 'accept' } | { kind: 'decline'; reason: string | null };

/**
 * The offered admin accepts or declines. Only the admin an offer went to may answer it (anyone
 * else: 404, as for a delivery they cannot see); the workflow decides whether the offer is still
 * open, so an accept racing the offer's timer has one outcome, and a late one is a 409 naming
 * what happened to the offer.
 */
export async function answerOffer(
  deps: DeliveryDeps,
  user: AuthUser,
  id: string,
  answer: OfferAnswer,
  idempotencyHeader?: string,
): Promise<ChangedDelivery> {
  assertIdempotencyHeader(idempotencyHeader);
  const [delivery, offer] = await Promise.all([
    findDeliveryById(deps.db, id),
    findOffer(deps.db, id, user.id),
  ]);
  if (!delivery || !offer) throw notFound('The offer');
  const args: OfferAnswerArgs = {
    actor: { id: user.id, role: user.role },
    requestId: randomUUID(),
    requestHash: sha256(canonicalJson(answer)),
    ...(answer.kind === 'decline' && answer.reason ? { reason: answer.reason } : {}),
  };
  const updateId = idempotencyHeader ? changeUpdateId(user.id, idempotencyHeader) : randomUUID();
  const update = answer.kind === 'accept' ? acceptOfferUpdate : declineOfferUpdate;
  const handle = deps.temporal.workflow.getHandle(delivery.workflow_id);
  let result: ChangeAnswer;
  try {
    result = await deps.admission.admit('change', user.id, () =>
      withTemporalDeadline(deps, () => handle.executeUpdate(update, { args: [args], updateId })),
    );
  } catch (error) {
    // The run is closed: whatever offer there was is over.
    if (isClosedRun(error)) {
      const status = offer.status === 'pending' ? 'withdrawn' : offer.status;
      throw new DomainError('offer-not-pending', offerClosedMessage(status, null), {
        offer_status: status,
      });
    }
    throw deliveryErrorFrom(error);
  }
  if (result.requestHash !== args.requestHash) {
    throw new DomainError(
      'idempotency-key-mismatch',
      'This Idempotency-Key was already used with a different request.',
    );
  }
  return {
    delivery: { ...result.delivery, tracking_token: delivery.tracking_token },
    replayed: result.requestId !== args.requestId,
  };
}
