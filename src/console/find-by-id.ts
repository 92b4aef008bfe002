import { field, h, input } from './dom';
import type { PageBody } from './api';
import { deliveryIdIn, idPrefixIn } from './delivery-id-in';
import type { ConsoleContext, Delivery } from './model';
import { clearProblems, describe } from './problem';

/** What a short id found: the one delivery it names, or why none. */
async function byPrefix(
  context: ConsoleContext,
  prefix: string,
): Promise<{ id: string } | { refusal: string }> {
  const { data } = await context.api.get<PageBody<Delivery>>('/deliveries', {
    id_prefix: prefix,
    limit: '2',
  });
  if (data.length === 1) return { id: data[0]!.id };
  return {
    refusal:
      data.length === 0
        ? `No delivery you can see has an id starting with ${prefix}.`
        : `More than one delivery has an id starting with ${prefix}: paste more of it.`,
  };
}

/**
 * "Find by id": a pasted id (or a link holding one) opens that delivery at once; the start of
 * one (8 hex digits or more, as the console names deliveries) opens the one delivery it names.
 */
export function findByIdForm(context: ConsoleContext): HTMLFormElement {
  const find = field(
    'Find by id',
    input('id', {
      type: 'search',
      placeholder: 'Paste an id, its start or a link',
      autocomplete: 'off',
      spellcheck: 'false',
    }),
  );
  const finder = h(
    'form',
    {
      class: 'filters find-by-id',
      novalidate: true,
      role: 'search',
      'aria-label': 'Find a delivery by id',
    },
    find.wrapper,
    h('button', { type: 'submit' }, 'Open'),
  );
  const refuse = (message: string) => {
    find.control.setAttribute('aria-invalid', 'true');
    find.error.textContent = message;
    find.error.hidden = false;
    find.control.focus();
  };
  finder.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblems(finder);
    const id = deliveryIdIn(find.control.value);
    if (id) {
      location.hash = `#/deliveries/${id}`;
      return;
    }
    const prefix = idPrefixIn(find.control.value);
    if (!prefix) {
      refuse(
        'Find by id must be a delivery id like 3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b, or its first 8 characters or more',
      );
      return;
    }
    byPrefix(context, prefix).then(
      (found) => {
        if ('id' in found) location.hash = `#/deliveries/${found.id}`;
        else refuse(found.refusal);
      },
      (error: unknown) => refuse(describe(error)),
    );
  });
  return finder;
}
