import { rejectCommand, type DeliveryCommand } from '../domain/delivery-rules';
import { ADMIN_SETTABLE_STATUSES, type AdminSettableStatus } from '../domain/delivery-status';
import { adminLabel } from './admins';
import { newIdempotencyKey } from './api';
import { field, h, input, select } from './dom';
import { apiForm, submitButton } from './forms';
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
 * One small form per allowed action, with one Idempotency-Key however often it is submitted: a
 * repeat after a lost answer gets the first answer instead of a second change.
 */
function actionForm(
  name: string,
  run: (key: string) => Promise<unknown>,
  done: () => void,
  ...children: Node[]
): HTMLFormElement {
  const key = newIdempotencyKey();
  return apiForm({
    label: name,
    class: 'action',
    children,
    send: () => run(key).then(done),
  });
}

async function assignForm(context: ConsoleContext, delivery: Delivery, done: () => void) {
  const admins = await context.admins();
  const choices = admins
    .filter((admin) => admin.id !== delivery.assigned_to)
    .map((admin) => [admin.id, adminLabel(admin)] as const);
  const adminField = field('Admin', select('admin_id', choices));
  const verb = delivery.status === 'ASSIGNED' ? 'Reassign' : 'Assign';
  if (choices.length === 0) return h('p', { class: 'hint' }, 'No other active admin to assign to.');
  return actionForm(
    `${verb} ${delivery.product_name}`,
    (key) =>
      context.api.post(`/deliveries/${delivery.id}/assign`, {
        body: { admin_id: adminField.control.value },
        idempotencyKey: key,
      }),
    done,
    adminField.wrapper,
    submitButton(verb),
  );
}

/** One form per allowed next status, so Enter in the reason field can only ever mean "failed". */
function transitionForms(context: ConsoleContext, delivery: Delivery, done: () => void) {
  return ADMIN_SETTABLE_STATUSES.filter((status) =>
    allowed(context, delivery, { kind: 'transition', status }),
  ).map((status) => {
    const reason =
      status === 'FAILED'
        ? field('Reason (for failed)', input('reason', { autocomplete: 'off' }))
        : null;
    return actionForm(
      `${TRANSITION_LABELS[status]}: ${delivery.product_name}`,
      (key) => {
        const text = reason?.control.value.trim();
        return context.api.post(`/deliveries/${delivery.id}/status`, {
          body: text ? { status, reason: text } : { status },
          idempotencyKey: key,
        });
      },
      done,
      ...(reason ? [reason.wrapper] : []),
      submitButton(TRANSITION_LABELS[status]),
    );
  });
}

function cancelForm(context: ConsoleContext, delivery: Delivery, done: () => void) {
  const reason = field(
    'Reason for cancelling (optional)',
    input('reason', { autocomplete: 'off' }),
  );
  return actionForm(
    `Cancel ${delivery.product_name}`,
    (key) => {
      const text = reason.control.value.trim();
      return context.api.post(`/deliveries/${delivery.id}/cancel`, {
        body: text ? { reason: text } : {},
        idempotencyKey: key,
      });
    },
    done,
    reason.wrapper,
    submitButton('Cancel delivery', { class: 'danger' }),
  );
}

/** The controls for the actions of `kinds` that this user may take on the delivery now. */
export async function deliveryActions(
  context: ConsoleContext,
  delivery: Delivery,
  kinds: readonly ActionKind[],
  done: () => void,
): Promise<HTMLElement | null> {
  const forms: (HTMLElement | null)[] = [];
  for (const kind of kinds) {
    switch (kind) {
      case 'assign':
        if (allowed(context, delivery, { kind, adminId: '' })) {
          forms.push(await assignForm(context, delivery, done));
        }
        break;
      case 'transition':
        forms.push(...transitionForms(context, delivery, done));
        break;
      case 'cancel':
        if (allowed(context, delivery, { kind })) forms.push(cancelForm(context, delivery, done));
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
