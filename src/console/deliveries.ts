import { DELIVERY_STATUSES } from '../domain/delivery-status';
import type { PageBody } from './api';
import { deliveryActions, type ActionKind } from './delivery-actions';
import { button, field, formatTime, h, input, replaceChildren, select } from './dom';
import {
  STATUS_LABELS,
  type ConsoleContext,
  type Delivery,
  type TimelineEvent,
  type View,
} from './model';
import { modeBadge } from './mode-badge';
import { downloadFile } from './download';
import { filteredList } from './filtered-list';
import { KeptForms } from './forms';
import { failureReasonWording } from '../domain/failure-reasons';
import { failureText, ObjectUrls, proofPhotos, trackingLink, windowText } from './outcome-view';
import { ApiProblem, describe, showProblem } from './problem';
import { timelineSentence } from './timeline-words';

export type FilterName = 'status' | 'q' | 'assigned_to' | 'partner_id' | 'date_from' | 'date_to';

export interface ListOptions {
  title: string;
  filters: readonly FilterName[];
  /** Query parameters the list always sends (the super admin's queue: CREATED). */
  fixed?: Record<string, string>;
  /** Actions offered on each card, when the rules allow them. */
  actions: readonly ActionKind[];
  empty: string;
  /** A "Download CSV" button: the deliveries matching the filters, from GET /deliveries/export. */
  exportable?: boolean;
}

const statusOptions = [
  ['', 'Any status'],
  ...DELIVERY_STATUSES.map((status) => [status, STATUS_LABELS[status]] as const),
] as const;

export function statusBadge(delivery: Delivery): HTMLElement {
  return h(
    'span',
    { class: `status status-${delivery.status}`, 'data-status': delivery.status },
    STATUS_LABELS[delivery.status],
  );
}

/**
 * What an operator's action in Temporal left to fix (super admins only): a badge, what happened
 * and who can fix it, in the API's words.
 */
export function attentionNote(context: ConsoleContext, delivery: Delivery): HTMLElement | null {
  const { attention } = delivery;
  if (!attention || context.user.role !== 'super_admin') return null;
  return h(
    'div',
    { class: 'attention', role: 'note', 'aria-label': 'Needs attention' },
    h('span', { class: 'attention-badge' }, 'Needs attention'),
    h('p', {}, attention.reason),
    h('p', {}, attention.who_can_fix),
  );
}

async function assigneeText(context: ConsoleContext, delivery: Delivery): Promise<string> {
  if (!delivery.assigned_to) return 'Not assigned';
  if (delivery.assigned_to === context.user.id) return 'You';
  if (context.user.role !== 'super_admin') return 'An admin';
  const admin = (await context.admins()).find((a) => a.id === delivery.assigned_to);
  return admin ? admin.name : 'An admin who is no longer active';
}

export function deliveryCard(
  context: ConsoleContext,
  delivery: Delivery,
  actions: readonly ActionKind[],
  done: () => void,
  kept: KeptForms,
): HTMLLIElement {
  const extra = h('div', { class: 'card-extra' });
  const card = h(
    'li',
    { class: 'card', 'data-delivery-id': delivery.id },
    h('h3', {}, h('a', { href: `#/deliveries/${delivery.id}` }, delivery.product_name)),
    statusBadge(delivery),
    delivery.sandbox && modeBadge(true),
    attentionNote(context, delivery),
    h('p', {}, delivery.delivery_address),
    h(
      'p',
      { class: 'meta' },
      `Due ${delivery.delivery_date}`,
      delivery.recipient_name && ` · for ${delivery.recipient_name}`,
    ),
    extra,
  );
  void Promise.all([
    assigneeText(context, delivery),
    deliveryActions(context, delivery, actions, done, kept),
  ]).then(
    ([assignee, controls]) => {
      replaceChildren(extra, h('p', { class: 'meta' }, `Assigned to: ${assignee}`), controls);
    },
    (error: unknown) => replaceChildren(extra, h('p', { class: 'form-error' }, describe(error))),
  );
  return card;
}

async function filterControls(context: ConsoleContext, names: readonly FilterName[]) {
  const controls: HTMLElement[] = [];
  for (const name of names) {
    switch (name) {
      case 'status':
        controls.push(field('Status', select('status', statusOptions)).wrapper);
        break;
      case 'q':
        controls.push(
          field('Search', input('q', { type: 'search', placeholder: '3 characters or more' }))
            .wrapper,
        );
        break;
      case 'assigned_to': {
        const admins = await context.admins();
        const options = [['', 'Any admin'] as const, ...admins.map((a) => [a.id, a.name] as const)];
        controls.push(field('Assigned to', select('assigned_to', options)).wrapper);
        break;
      }
      case 'partner_id': {
        const partners = await context.api.all<{ id: string; email: string }>('/users', {
          role: 'partner',
        });
        const options = [
          ['', 'Any partner'] as const,
          ...partners.map((p) => [p.id, p.email] as const),
        ];
        controls.push(field('Partner', select('partner_id', options)).wrapper);
        break;
      }
      case 'date_from':
        controls.push(field('Due from', input('date_from', { type: 'date' })).wrapper);
        break;
      case 'date_to':
        controls.push(field('Due until', input('date_to', { type: 'date' })).wrapper);
        break;
      default: {
        const unknown: never = name;
        void unknown;
      }
    }
  }
  return controls;
}

/** A filtered, paged list of the deliveries the API shows this user. */
export function deliveryList(context: ConsoleContext, options: ListOptions): View {
  const kept = new KeptForms();
  const { filters, element, refresh, query } = filteredList<Delivery>({
    label: 'Filters',
    fetch: (query, cursor) =>
      context.api.get<PageBody<Delivery>>('/deliveries', { ...query, ...options.fixed, cursor }),
    render: (delivery, changed) => deliveryCard(context, delivery, options.actions, changed, kept),
    empty: options.empty,
  });
  void filterControls(context, options.filters).then(
    (controls) => {
      replaceChildren(
        filters,
        ...controls,
        options.filters.length > 0 && h('button', { type: 'submit' }, 'Apply filters'),
      );
    },
    (error: unknown) => showProblem(filters, error),
  );
  return {
    element: h(
      'section',
      { class: 'list' },
      h('h2', {}, options.title),
      options.exportable && exportButton(context, () => ({ ...query(), ...options.fixed })),
      element,
    ),
    refresh,
  };
}

/** Downloads the deliveries the filters on screen select, as CSV, whole (not only this page). */
function exportButton(context: ConsoleContext, query: () => Record<string, string>) {
  const wrapper = h('div', { class: 'export' });
  const download = button('Download CSV', () => {
    download.disabled = true;
    const error = wrapper.querySelector('.form-error');
    error?.remove();
    downloadFile(context, '/deliveries/export', query())
      .then(
        (name) => context.announce(`Downloaded ${name}.`),
        (problem: unknown) =>
          wrapper.append(h('p', { class: 'form-error', role: 'alert' }, describe(problem))),
      )
      .finally(() => (download.disabled = false));
  });
  wrapper.append(
    download,
    h('span', { class: 'meta' }, ' Every delivery matching the filters, as a spreadsheet.'),
  );
  return wrapper;
}

function timelineItem(context: ConsoleContext, event: TimelineEvent): HTMLLIElement {
  return h(
    'li',
    {},
    h('time', { datetime: event.at }, formatTime(event.at)),
    h('span', {}, ` ${timelineSentence(event, context.user.id)}`),
    event.failure_reason &&
      h(
        'p',
        { class: 'reason' },
        `Failure reason: ${failureReasonWording(event.failure_reason).label}`,
      ),
    event.reason && h('p', { class: 'reason' }, `Reason: ${event.reason}`),
    event.proof && h('p', { class: 'reason' }, `Received by ${event.proof.received_by}`),
  );
}

/** Partners forward the tracking link to their customer; super admins help them do it. */
const seesTrackingLink = (context: ConsoleContext) =>
  context.user.role === 'partner' || context.user.role === 'super_admin';

/** One delivery: its fields, what this user may do to it now, and its timeline. */
export function deliveryDetail(context: ConsoleContext, id: string): View {
  const element = h('section', { class: 'detail' }, h('p', {}, 'Loading…'));
  const back = h('a', { href: '#/' }, '← Back to the list');
  let generation = 0;
  const kept = new KeptForms();
  // The photos' object URLs of the render on screen, released when it is replaced or closed.
  let photoUrls = new ObjectUrls();
  const releasePhotos = () => photoUrls.release();
  const refresh = async (): Promise<void> => {
    const mine = ++generation;
    let delivery: Delivery & { timeline: TimelineEvent[] };
    try {
      delivery = await context.api.get(`/deliveries/${id}`);
    } catch (error) {
      if (mine !== generation) return;
      const missing = error instanceof ApiProblem && (error.status === 404 || error.status === 400);
      replaceChildren(
        element,
        back,
        h(
          'p',
          { class: 'form-error', role: 'alert' },
          missing ? 'No such delivery, or it is not yours to see.' : describe(error),
        ),
      );
      return;
    }
    const row = (term: string, value: string | Node | null) =>
      value ? [h('dt', {}, term), h('dd', {}, value)] : [];
    const [assignee, actions] = await Promise.all([
      assigneeText(context, delivery),
      deliveryActions(
        context,
        delivery,
        ['assign', 'transition', 'cancel'],
        () => void refresh(),
        kept,
      ),
    ]);
    // A newer read (a live change arrived meanwhile) renders instead.
    if (mine !== generation) return;
    releasePhotos();
    photoUrls = new ObjectUrls();
    const proof = delivery.proof;
    replaceChildren(
      element,
      back,
      h('h2', {}, delivery.product_name),
      attentionNote(context, delivery),
      h(
        'dl',
        {},
        ...row('Status', statusBadge(delivery)),
        ...row(
          'Sandbox',
          delivery.sandbox
            ? h('span', {}, modeBadge(true), ' A test delivery: a simulated courier moves it')
            : null,
        ),
        ...row('Why it failed', failureText(delivery, delivery.timeline)),
        ...row('Address', delivery.delivery_address),
        ...row('Due', delivery.delivery_date),
        ...row('Drop-off window', windowText(delivery.dropoff_window)),
        ...row('Recipient', delivery.recipient_name),
        ...row('Phone', delivery.recipient_phone),
        ...row('Notes', delivery.notes),
        ...row('Proof', delivery.proof_required && !proof ? 'A photo is required' : null),
        ...row('Assigned to', assignee),
        ...row('Tracking link', seesTrackingLink(context) ? trackingLink(context, delivery) : null),
      ),
      proof &&
        h(
          'section',
          { class: 'proof', 'aria-label': 'Proof of delivery' },
          h('h3', {}, 'Proof of delivery'),
          h('dl', {}, ...row('Received by', proof.received_by), ...row('Note', proof.note)),
          proof.attachments.length > 0 && proofPhotos(context, delivery, proof, photoUrls),
        ),
      actions && h('section', { 'aria-label': 'Actions' }, h('h3', {}, 'Actions'), actions),
      h('h3', {}, 'Timeline'),
      h('ol', { class: 'timeline' }, ...delivery.timeline.map((e) => timelineItem(context, e))),
    );
  };
  const dispose = () => {
    generation += 1; // a read still in flight renders nothing
    releasePhotos();
  };
  return { element, refresh, dispose };
}
