import { rejectCommand, type DeliveryCommand } from '../domain/delivery-rules';
import { ADMIN_SETTABLE_STATUSES, type AdminSettableStatus } from '../domain/delivery-status';
import { adminLabel } from './admins';
import { newIdempotencyKey } from './api';
import { field, h, input, select } from './dom';
import { actionForm, confirmedForm, KeptForms, submitButton } from './forms';
import { completedForm, failedForm } from './outcome-forms';
import type { ConsoleContext, Delivery } from './model';

export type ActionKind = DeliveryCommand['kind'];

/**
 * Whether the API would accept the command from this user now: the same pure rules the workflow
 * enforces (`src/domain/delivery-rules.ts`), so the console offers exactly what would succeed.
 */
function allowed(context: ConsoleContext, delivery: Delivery, command: DeliveryCommand): boolean {
  const actor = { id: context.user.id, role: context.user.role };
  const parties = {
    status: delivery.status,
    partnerId: delivery.partner_id,
    assignedTo: delivery.assigned_to,
  };
  return rejectCommand(actor, parties, command) === null;
}

const TRANSITION_LABELS: Record<AdminSettableStatus, string> = {
  IN_TRANSIT: 'Mark in transit',
  COMPLETED: 'Mark completed',
  FAILED: 'Mark failed',
};

/**
 * A delivery as an action form's accessible name gives it: the product and the start of its id,
 * so two deliveries of the same product on one page are two distinct landmarks.
 */
const namedDelivery = (delivery: Delivery) =>
  `${delivery.product_name} (${delivery.id.slice(0, 8)})`;

async function assignForm(context: ConsoleContext, delivery: Delivery, done: () => void) {
  const admins = await context.admins();
  const choices = admins
    .filter((admin) => admin.id !== delivery.assigned_to)
    .map((admin) => [admin.id, adminLabel(admin)] as const);
  const adminField = field('Admin', select('admin_id', choices));
  const verb = delivery.status === 'ASSIGNED' ? 'Reassign' : 'Assign';
  if (choices.length === 0) return h('p', { class: 'hint' }, 'No other active admin to assign to.');
  return actionForm(
    `${verb} ${namedDelivery(delivery)}`,
    (key) =>
      context.api
        .post(`/deliveries/${delivery.id}/assign`, {
          body: { admin_id: adminField.control.value },
          idempotencyKey: key,
        })
        .then(() => {
          const admin = admins.find((a) => a.id === adminField.control.value);
          context.announce(`${namedDelivery(delivery)} assigned to ${admin?.name ?? 'the admin'}.`);
        }),
    done,
    adminField.wrapper,
    submitButton(verb),
  );
}

/**
 * The form that sets one status: FAILED asks why, COMPLETED takes the proof. One form per status,
 * so Enter in a field can only ever mean its own form's status.
 */
function transitionForm(
  context: ConsoleContext,
  delivery: Delivery,
  status: AdminSettableStatus,
  done: () => void,
): HTMLFormElement {
  const name = `${TRANSITION_LABELS[status]}: ${namedDelivery(delivery)}`;
  switch (status) {
    case 'IN_TRANSIT':
      return actionForm(
        name,
        (key) =>
          context.api.post(`/deliveries/${delivery.id}/status`, {
            body: { status },
            idempotencyKey: key,
          }),
        done,
        submitButton(TRANSITION_LABELS[status]),
      );
    case 'FAILED':
      return failedForm(context, delivery, name, TRANSITION_LABELS[status], done);
    case 'COMPLETED':
      return completedForm(context, delivery, name, TRANSITION_LABELS[status], done);
    default: {
      const unknown: never = status;
      throw new Error(`No form for ${String(unknown)}`);
    }
  }
}

/**
 * Cancelling cannot be undone and tells the partner and the assignee, so it asks first: the first
 * press shows what will happen and turns the button into "Yes, cancel it", beside "Keep it".
 */
function cancelForm(context: ConsoleContext, delivery: Delivery, done: () => void) {
  const reason = field(
    'Reason for cancelling (optional)',
    input('reason', { autocomplete: 'off' }),
  );
  const key = newIdempotencyKey();
  return confirmedForm({
    label: `Cancel ${namedDelivery(delivery)}`,
    children: [reason.wrapper],
    action: 'Cancel delivery',
    confirm: 'Yes, cancel it',
    question:
      'Cancel this delivery? It cannot be undone, and the partner and the assigned admin are told.',
    keep: 'Keep it',
    send: () => {
      const text = reason.control.value.trim();
      return context.api
        .post(`/deliveries/${delivery.id}/cancel`, {
          body: text ? { reason: text } : {},
          idempotencyKey: key,
        })
        .then(done);
    },
  });
}

/**
 * The controls for the actions of `kinds` that this user may take on the delivery now; a form the
 * user is at survives the view's re-render through `kept`.
 */
export async function deliveryActions(
  context: ConsoleContext,
  delivery: Delivery,
  kinds: readonly ActionKind[],
  done: () => void,
  kept: KeptForms,
): Promise<HTMLElement | null> {
  const forms: (HTMLElement | null)[] = [];
  const keep = (name: string, make: () => HTMLFormElement) =>
    kept.form(`${delivery.id} ${name}`, delivery.updated_at, make);
  for (const kind of kinds) {
    switch (kind) {
      case 'assign':
        if (allowed(context, delivery, { kind, adminId: '' })) {
          forms.push(await assignForm(context, delivery, done));
        }
        break;
      case 'transition':
        for (const status of ADMIN_SETTABLE_STATUSES) {
          if (!allowed(context, delivery, { kind, status })) continue;
          forms.push(keep(status, () => transitionForm(context, delivery, status, done)));
        }
        break;
      case 'cancel':
        if (allowed(context, delivery, { kind })) {
          forms.push(keep('cancel', () => cancelForm(context, delivery, done)));
        }
        break;
      default: {
        const unknown: never = kind;
        void unknown;
      }
    }
  }
  const present = forms.filter((form): form is HTMLElement => form !== null);
  return present.length === 0 ? null : h('div', { class: 'actions' }, ...present);
}
