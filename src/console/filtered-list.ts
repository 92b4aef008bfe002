import type { PageBody } from './api';
import { button, h, replaceChildren } from './dom';
import { clearProblems, showProblem } from './problem';

export interface FilteredListOptions<T> {
  /** The filter form's accessible name. */
  label: string;
  /** Reads one page with the filters' values (empty ones left out). */
  fetch(query: Record<string, string>, cursor?: string): Promise<PageBody<T>>;
  render(item: T, refresh: () => void): Node;
  empty: string;
}

export interface FilteredList {
  filters: HTMLFormElement;
  element: HTMLElement;
  refresh(): Promise<void>;
  /** The filters' values as the list sends them (empty ones left out). */
  query(): Record<string, string>;
}

/**
 * A filter form over a paged API list. Only the latest request renders (a slow answer to old
 * filters cannot overwrite a newer one), and the API's query errors show next to their filter.
 */
export function filteredList<T>(options: FilteredListOptions<T>): FilteredList {
  const filters = h('form', { class: 'filters', novalidate: true, 'aria-label': options.label });
  const list = h('ul', { class: 'cards', 'aria-live': 'polite' });
  const more = h('div', { class: 'more' });
  let generation = 0;

  const query = (): Record<string, string> => {
    const values: Record<string, string> = {};
    for (const [name, value] of new FormData(filters)) {
      if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
    }
    return values;
  };
  const load = async (cursor?: string): Promise<void> => {
    const mine = ++generation;
    clearProblems(filters);
    let page: PageBody<T>;
    try {
      page = await options.fetch(query(), cursor);
    } catch (error) {
      if (mine !== generation) return;
      showProblem(filters, error);
      // The old results no longer answer the filters shown: never leave them beside the error.
      if (!cursor) {
        replaceChildren(list, h('li', { class: 'empty' }, 'Fix the filters above to see results.'));
        replaceChildren(more);
      }
      return;
    }
    if (mine !== generation) return;
    const items = page.data.map((item) => options.render(item, () => void refresh()));
    if (cursor) list.append(...items);
    else
      replaceChildren(
        list,
        items.length === 0 && h('li', { class: 'empty' }, options.empty),
        ...items,
      );
    const next = page.next_cursor;
    replaceChildren(more, next && button('Load more', () => void load(next)));
  };
  const refresh = () => load();
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  return { filters, element: h('div', {}, filters, list, more), refresh, query };
}
