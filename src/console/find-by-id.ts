import { field, h, input } from './dom';
import { deliveryIdIn } from './delivery-id-in';
import { clearProblems } from './problem';

/** "Find by id": a pasted id (or a link holding one) opens that delivery at once. */
export function findByIdForm(): HTMLFormElement {
  const find = field(
    'Find by id',
    input('id', {
      type: 'search',
      placeholder: 'Paste a delivery id or its console link',
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
  finder.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblems(finder);
    const id = deliveryIdIn(find.control.value);
    if (id) {
      location.hash = `#/deliveries/${id}`;
      return;
    }
    find.control.setAttribute('aria-invalid', 'true');
    find.error.textContent =
      'Find by id must be a delivery id like 3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b';
    find.error.hidden = false;
    find.control.focus();
  });
  return finder;
}
