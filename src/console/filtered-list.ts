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
  // Pages asked for so far (the first and each "Load more", shown or still loading): a refresh
  // (a live change, an action on a card) reads as many again, so it does not take away what the
  // user had loaded, and a "Load more" in flight is read with it.
  let pagesWanted = 1;
  const failed = (error: unknown) => {
    showProblem(filters, error);
    // The old results no longer answer the filters shown: never leave them beside the error.
    replaceChildren(list, h('li', { class: 'empty' }, 'Fix the filters above to see results.'));
    replaceChildren(more);
  };
  const showMore = (next: string | null) =>
    replaceChildren(more, next && button('Load more', () => void loadMore(next)));
  const rendered = (items: readonly T[]) =>
    items.map((item) => options.render(item, () => void refresh()));

  /** The first `pages` pages, read one after another, shown together in place of the list. */
  const refresh = async (): Promise<void> => {
    const mine = ++generation;
    clearProblems(filters);
    const filter = query();
    const items: T[] = [];
    let next: string | null = null;
    try {
      for (let page = 0; page < pagesWanted; page += 1) {
        const body: PageBody<T> = await options.fetch(filter, next ?? undefined);
        items.push(...body.data);
        next = body.next_cursor;
        if (!next) break;
      }
    } catch (error) {
      if (mine === generation) failed(error);
      return;
    }
    if (mine !== generation) return;
    replaceChildren(
      list,
      items.length === 0 && h('li', { class: 'empty' }, options.empty),
      ...rendered(items),
    );
    showMore(next);
  };
  const loadMore = async (cursor: string): Promise<void> => {
    const mine = ++generation;
    pagesWanted += 1;
    clearProblems(filters);
    let page: PageBody<T>;
    try {
      page = await options.fetch(query(), cursor);
    } catch (error) {
      if (mine === generation) showProblem(filters, error);
      return;
    }
    if (mine !== generation) return;
    list.append(...rendered(page.data));
    showMore(page.next_cursor);
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    // New filters start again from their first page.
    pagesWanted = 1;
    void refresh();
  });
  return { filters, element: h('div', {}, filters, list, more), refresh, query };
}
