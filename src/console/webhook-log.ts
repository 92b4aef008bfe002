import type { Static } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../domain/notification-rules';
import type { WebhookAttempt, WebhookEndpoint, WebhookEndpointStatus } from '../schemas/webhooks';
import type { PageBody } from './api';
import { button, field, formatTime, h, input, replaceChildren, select, titledList } from './dom';
import { filteredList } from './filtered-list';
import { apiForm, submitButton } from './forms';
import type { ConsoleContext, View } from './model';
import { ApiProblem, clearProblems, describe, showProblem } from './problem';
import { shownOnce } from './shown-once';

type Attempt = Static<typeof WebhookAttempt>;

const EVENT_TYPE_OPTIONS = [
  ['', 'Any event'],
  ...WEBHOOK_EVENT_TYPES.map((type) => [type, type] as const),
] as const;

function outcome(attempt: Attempt): string {
  const code = attempt.status_code === null ? 'No answer' : `HTTP ${attempt.status_code}`;
  return attempt.error && attempt.error !== `HTTP ${attempt.status_code}`
    ? `${code}: ${attempt.error}`
    : code;
}

const delivered = (attempt: Attempt) =>
  attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;

function attemptCard(context: ConsoleContext, attempt: Attempt, replayed: () => void) {
  const card = h('li', {
    class: 'card attempt',
    'data-attempt-id': attempt.id,
    'data-event-id': attempt.event_id,
  });
  const replay = () => {
    clearProblems(card);
    context.api.post<Attempt>(`/webhooks/attempts/${attempt.id}/replay`).then(
      (made) => {
        context.announce(`Replayed ${made.event_type} ${made.event_id}: ${outcome(made)}.`);
        replayed();
      },
      (error: unknown) => showProblem(card, error),
    );
  };
  const retry = attempt.next_retry_at
    ? `Next retry ${formatTime(attempt.next_retry_at)}`
    : delivered(attempt)
      ? 'Delivered'
      : 'No retry planned';
  replaceChildren(
    card,
    h('h3', {}, attempt.event_type),
    h(
      'span',
      { class: `status ${delivered(attempt) ? 'status-COMPLETED' : 'status-FAILED'}` },
      outcome(attempt),
    ),
    h('p', {}, 'Event ', h('code', {}, attempt.event_id)),
    h(
      'p',
      { class: 'meta' },
      h('time', { datetime: attempt.created_at }, formatTime(attempt.created_at)),
      attempt.duration_ms === null ? '' : ` · took ${attempt.duration_ms} ms`,
      ` · attempt ${attempt.attempt}`,
      attempt.replay_of ? ' · a replay' : '',
      ` · ${retry}`,
    ),
    attempt.response_excerpt &&
      h(
        'details',
        {},
        h('summary', {}, 'Response excerpt'),
        h('pre', { class: 'excerpt' }, attempt.response_excerpt),
      ),
    attempt.payload &&
      h(
        'details',
        {},
        h('summary', {}, 'Event sent'),
        h('pre', { class: 'excerpt' }, JSON.stringify(attempt.payload, null, 2)),
      ),
    attempt.payload &&
      button('Replay', replay, {
        'aria-label': `Replay ${attempt.event_type} ${attempt.event_id} (${formatTime(attempt.created_at)})`,
      }),
  );
  return card;
}

/** The endpoint: where events go, whether it is failing or disabled; set it, re-enable it. */
function endpointSection(context: ConsoleContext, changed: () => void) {
  const state = h('div', { class: 'endpoint-state' });
  const revealed = h('div');
  const url = field('Endpoint URL', input('url', { type: 'url', placeholder: 'https://…' }));
  const form = apiForm({
    label: 'Webhook endpoint',
    class: 'create',
    children: [h('h2', {}, 'Webhook endpoint'), state, url.wrapper, submitButton('Save endpoint')],
    send: async () => {
      const saved = await context.api.call<Static<typeof WebhookEndpoint>>(
        'PUT',
        '/webhooks/endpoint',
        { body: { url: url.control.value } },
      );
      form.reset();
      const shown = shownOnce(
        context,
        'Webhook signing secret',
        saved.secret,
        'Copy this secret now: your endpoint checks each event’s signature with it, and it will not be shown again.',
      );
      replaceChildren(revealed, shown);
      shown.focus();
      context.announce(`Events now go to ${saved.url}.`);
      changed();
    },
  });
  const enable = () => {
    clearProblems(state);
    context.api.post<Static<typeof WebhookEndpointStatus>>('/webhooks/endpoint/enable').then(
      () => {
        context.announce('Webhook endpoint enabled.');
        changed();
      },
      (error: unknown) => showProblem(state, error),
    );
  };
  const refresh = async () => {
    let endpoint: Static<typeof WebhookEndpointStatus> | null;
    try {
      endpoint = await context.api.get('/webhooks/endpoint');
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 404)) {
        replaceChildren(state, h('p', { class: 'form-error' }, describe(error)));
        return;
      }
      endpoint = null;
    }
    if (!endpoint) {
      replaceChildren(
        state,
        h('p', { 'data-endpoint': 'none' }, 'No endpoint yet: events are not sent.'),
      );
      return;
    }
    const disabled = endpoint.disabled_at !== null;
    replaceChildren(
      state,
      h('p', {}, h('code', { class: 'endpoint-url' }, endpoint.url)),
      h(
        'p',
        { 'data-endpoint': disabled ? 'disabled' : 'enabled' },
        h(
          'span',
          { class: `status ${disabled ? 'status-FAILED' : 'status-COMPLETED'}` },
          disabled ? 'Disabled' : 'Enabled',
        ),
        disabled
          ? ` since ${formatTime(endpoint.disabled_at!)}, after 24 hours of failures: events are logged, not sent.`
          : endpoint.failing_since
            ? ` but failing since ${formatTime(endpoint.failing_since)}.`
            : '',
      ),
      disabled && button('Enable endpoint', enable),
    );
  };
  return { element: h('div', {}, form, revealed), refresh };
}

/**
 * The webhook log: the endpoint, then every attempt newest first with what was sent and what
 * came back; each event can be sent again with its own id (Replay), so a receiver dedupes it.
 */
export function webhookLogView(context: ConsoleContext): View {
  const log = filteredList<Attempt>({
    label: 'Webhook log filters',
    fetch: (query, cursor) =>
      context.api.get<PageBody<Attempt>>('/webhooks/attempts', { ...query, limit: '20', cursor }),
    render: (attempt, changed) => attemptCard(context, attempt, changed),
    empty: 'No attempt matches.',
  });
  replaceChildren(
    log.filters,
    field('Event type', select('event_type', EVENT_TYPE_OPTIONS)).wrapper,
    field(
      'Event id',
      input('event_id', { type: 'search', placeholder: 'evt_…', spellcheck: 'false' }),
    ).wrapper,
    submitButton('Apply filters'),
  );
  const endpoint = endpointSection(context, () => void refresh());
  const refresh = async () => {
    await Promise.all([endpoint.refresh(), log.refresh()]);
  };
  const element = h(
    'div',
    { class: 'columns' },
    endpoint.element,
    titledList(
      'webhook-log-title',
      'Webhook log',
      'Every attempt, newest first. Replay sends the same event again, with the same id.',
      log.element,
    ),
  );
  return { element, refresh };
}
