import type { Static } from '@sinclair/typebox';
import { DISPATCH_MODES } from '../domain/dispatch';
import type { Availability, DispatchSettingsBody, OfferList } from '../schemas/dispatch';
import { newIdempotencyKey } from './api';
import { timeLeft } from './countdown';
import { button, field, formatTime, h, input, replaceChildren, select } from './dom';
import { apiForm, submitButton } from './forms';
import type { ConsoleContext, View } from './model';
import { clearProblems, showProblem } from './problem';

type Offer = Static<typeof OfferList>['data'][number];
type Settings = Static<typeof DispatchSettingsBody>;

function when(offer: Offer): string {
  return offer.dropoff_window
    ? `${formatTime(offer.dropoff_window.start)} – ${formatTime(offer.dropoff_window.end)}`
    : `on ${offer.delivery_date}`;
}

/** One offer: what, where, when, the countdown, and accept or decline in one tap. */
function offerCard(context: ConsoleContext, offer: Offer, answered: () => void): HTMLLIElement {
  const countdown = h('p', { class: 'countdown', 'data-expires-at': offer.expires_at });
  const card = h('li', { class: 'card offer', 'data-delivery-id': offer.delivery_id });
  const reason = field('Reason (optional)', input('reason', { autocomplete: 'off' }));
  // One key per card: a repeated tap after a lost answer gets the first answer.
  const key = newIdempotencyKey();
  const answer = (verb: 'accept' | 'decline', body?: object) => {
    clearProblems(card);
    context.api
      .post(`/deliveries/${offer.delivery_id}/offer/${verb}`, {
        idempotencyKey: `${key}-${verb}`,
        ...(body ? { body } : {}),
      })
      .then(
        () => {
          context.announce(
            verb === 'accept'
              ? `Accepted: ${offer.product_name} is yours.`
              : `Declined: ${offer.product_name}.`,
          );
          answered();
        },
        (error: unknown) => showProblem(card, error),
      );
  };
  replaceChildren(
    card,
    h('h3', {}, offer.product_name),
    h('p', {}, offer.delivery_address),
    h('p', { class: 'meta' }, when(offer)),
    ...(offer.proof_required ? [h('p', { class: 'meta' }, 'Photo proof required')] : []),
    ...(offer.notes ? [h('p', {}, `Notes: ${offer.notes}`)] : []),
    countdown,
    button('Accept', () => answer('accept')),
    reason.wrapper,
    button('Decline', () =>
      answer('decline', reason.control.value ? { reason: reason.control.value } : {}),
    ),
  );
  return card;
}

/** The admin's availability switch, read from the API and saved on change. */
function availabilitySwitch(context: ConsoleContext): HTMLElement {
  // Disabled until the stored state is read: an unchecked box that is only still loading must not
  // be read, or pressed, as "unavailable".
  const box = input('available', { type: 'checkbox', disabled: true });
  const wrapper = h('label', { class: 'availability' }, box, ' Available for offers');
  context.api.get<Static<typeof Availability>>('/users/me/availability').then(
    (state) => {
      box.checked = state.available;
      box.disabled = false;
    },
    (error: unknown) => showProblem(wrapper, error),
  );
  box.addEventListener('change', () => {
    clearProblems(wrapper);
    context.api
      .call<Static<typeof Availability>>('PUT', '/users/me/availability', {
        body: { available: box.checked },
      })
      .then(
        (state) =>
          context.announce(
            state.available ? 'You are available for offers.' : 'You are unavailable.',
          ),
        (error: unknown) => showProblem(wrapper, error),
      );
  });
  return wrapper;
}

/** The admin's offers, with a live countdown; re-read on every notification (a new offer). */
export function offersView(context: ConsoleContext): View {
  const list = h('ul', { class: 'cards offers' });
  const element = h(
    'section',
    { 'aria-label': 'Offers' },
    h('h2', {}, 'Offers'),
    availabilitySwitch(context),
    list,
  );
  const tick = () => {
    for (const countdown of list.querySelectorAll<HTMLElement>('.countdown')) {
      countdown.textContent = timeLeft(countdown.dataset['expiresAt'] ?? '', Date.now());
    }
  };
  const timer = setInterval(tick, 1000);
  const refresh = async () => {
    const { data } = await context.api.get<Static<typeof OfferList>>('/offers');
    replaceChildren(
      list,
      ...(data.length > 0
        ? data.map((offer) => offerCard(context, offer, () => void refresh()))
        : [h('li', { class: 'empty' }, 'No offer is waiting for you.')]),
    );
    tick();
  };
  return { element, refresh, dispose: () => clearInterval(timer) };
}

/** The dispatch mode switch and who holds which offer (super admins). */
export function dispatchView(context: ConsoleContext): View {
  const mode = field(
    'Mode',
    select(
      'mode',
      DISPATCH_MODES.map((m) => [m, m === 'auto' ? 'Auto: offer to admins' : 'Manual'] as const),
    ),
  );
  const timeout = field(
    'Offer timeout (seconds)',
    input('offer_timeout_seconds', { type: 'number' }),
  );
  const maxOffers = field('Offers per delivery', input('max_offers', { type: 'number' }));
  const form = apiForm({
    label: 'Dispatch mode',
    class: 'create dispatch-settings',
    children: [
      h('h2', {}, 'Dispatch mode'),
      h('p', { class: 'meta' }, 'Applies to deliveries created from now on.'),
      mode.wrapper,
      timeout.wrapper,
      maxOffers.wrapper,
      submitButton('Save'),
    ],
    send: async () => {
      const saved = await context.api.call<Settings>('PUT', '/settings/dispatch', {
        body: {
          mode: mode.control.value,
          offer_timeout_seconds: Number(timeout.control.value),
          max_offers: Number(maxOffers.control.value),
        },
      });
      context.announce(`Dispatch is ${saved.mode}.`);
    },
  });
  const held = h('ul', { class: 'cards' });
  const element = h(
    'div',
    { class: 'columns' },
    form,
    h('section', { 'aria-label': 'Open offers' }, h('h2', {}, 'Open offers'), held),
  );
  const refresh = async () => {
    const [settings, offers] = await Promise.all([
      context.api.get<Settings>('/settings/dispatch'),
      context.api.get<Static<typeof OfferList>>('/offers'),
    ]);
    if (form.dataset['touched'] !== 'true') {
      mode.control.value = settings.mode;
      timeout.control.value = String(settings.offer_timeout_seconds);
      maxOffers.control.value = String(settings.max_offers);
    }
    const admins = await context.admins();
    const name = (id: string) => admins.find((a) => a.id === id)?.name ?? id;
    replaceChildren(
      held,
      ...(offers.data.length > 0
        ? offers.data.map((offer) =>
            h(
              'li',
              { class: 'card', 'data-delivery-id': offer.delivery_id },
              h('h3', {}, offer.product_name),
              h(
                'p',
                { class: 'meta' },
                `Offer ${offer.number} to ${name(offer.admin_id)}, until ${formatTime(offer.expires_at)}`,
              ),
            ),
          )
        : [h('li', { class: 'empty' }, 'No offer is open.')]),
    );
  };
  return { element, refresh };
}
