import type { Static } from '@sinclair/typebox';
import type { ApiKey, CreatedApiKey } from '../schemas/api-keys';
import { field, formatTime, h, input, replaceChildren, select, titledList } from './dom';
import { confirmedForm, newItemForm } from './forms';
import type { ConsoleContext, View } from './model';
import { showListProblem } from './problem';
import { modeBadge } from './mode-badge';
import { shownOnce } from './shown-once';

type Key = Static<typeof ApiKey>;

function keyState(key: Key): string {
  if (key.revoked_at) return `Revoked ${formatTime(key.revoked_at)}`;
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) {
    return `Expired ${formatTime(key.expires_at)}`;
  }
  return key.expires_at ? `Expires ${formatTime(key.expires_at)}` : 'Does not expire';
}

function keyCard(context: ConsoleContext, key: Key, changed: () => void): HTMLLIElement {
  const revoke =
    !key.revoked_at &&
    confirmedForm({
      // Named with its prefix too: two keys may share a name, two forms may not.
      label: `Revoke ${key.name} (${key.prefix}…)`,
      action: 'Revoke',
      confirm: 'Yes, revoke it',
      question: `Revoke ${key.name}? Requests with it are refused at once; this cannot be undone.`,
      keep: 'Keep it',
      send: async () => {
        await context.api.call('DELETE', `/api-keys/${key.id}`);
        context.announce(`Key ${key.name} revoked.`);
        changed();
      },
    });
  return h(
    'li',
    { class: 'card', 'data-key-id': key.id, 'data-revoked': key.revoked_at ? 'true' : 'false' },
    h('h3', {}, key.name),
    modeBadge(key.sandbox),
    h('p', {}, h('code', {}, `${key.prefix}…`)),
    h(
      'p',
      { class: 'meta' },
      `Created ${formatTime(key.created_at)} · `,
      key.last_used_at ? `Last used ${formatTime(key.last_used_at)}` : 'Never used',
      ` · ${keyState(key)}`,
    ),
    revoke,
  );
}

/**
 * The partner's API keys, live and sandbox: a new key's secret is shown once, with a copy
 * button; revoking asks first.
 */
export function apiKeysView(context: ConsoleContext): View {
  const list = h('ul', { class: 'cards', 'aria-live': 'polite' });
  const revealed = h('div');
  const name = field('Name', input('name', { maxlength: 100, autocomplete: 'off' }));
  // Sandbox first: a key made by mistake then creates test deliveries, not real ones.
  const mode = field(
    'Kind',
    select('sandbox', [
      ['true', 'Sandbox (dak_test_…): test deliveries, a simulated courier'],
      ['false', 'Live (dak_live_…): real deliveries'],
    ]),
  );
  const form = newItemForm('New API key', [name, mode], 'Create key', async () => {
    const created = await context.api.post<Static<typeof CreatedApiKey>>('/api-keys', {
      body: { name: name.control.value, sandbox: mode.control.value === 'true' },
    });
    form.reset();
    const shown = shownOnce(
      context,
      `${created.sandbox ? 'Sandbox' : 'Live'} key ${created.name}`,
      created.key,
      'Copy this key now and keep it as a secret: it will not be shown again.',
    );
    replaceChildren(revealed, shown);
    shown.focus();
    context.announce(`Key ${created.name} created.`);
    await refresh();
  });
  const refresh = async () => {
    try {
      const keys = await context.api.all<Key>('/api-keys');
      replaceChildren(
        list,
        keys.length === 0 && h('li', { class: 'empty' }, 'No API key yet.'),
        ...keys.map((key) => keyCard(context, key, () => void refresh())),
      );
    } catch (error) {
      showListProblem(list, error);
    }
  };
  const element = h(
    'div',
    { class: 'columns' },
    h('div', {}, form, revealed),
    titledList(
      'api-keys-title',
      'API keys',
      'Send a key as Authorization: Bearer <key>. Sandbox keys create test deliveries that a simulated courier walks through every status; no admin sees them and no recipient is emailed.',
      list,
    ),
  );
  return { element, refresh };
}
