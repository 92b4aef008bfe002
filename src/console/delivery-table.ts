import { DELIVERY_STATUSES } from '../domain/delivery-status';
import type { DeliveryStats } from '../schemas/delivery-stats';
import { deliveryIdQuery, temporalUiListUrl } from '../temporal/ops-views';
import type { PageBody } from './api';
import { copyOrSelect } from './clipboard';
import { statusBadge } from './deliveries';
import { button, field, formatTime, h, replaceChildren, select } from './dom';
import { STATUS_LABELS, type ConsoleContext, type Delivery } from './model';
import { clearProblems, showProblem } from './problem';

export const PAGE_SIZES = ['20', '50', '100'] as const;

type TemporalUi = DeliveryStats['temporal_ui'];

interface Column {
  key: string;
  label: string;
  /** What the column sorts by; columns without one do not sort. */
  sortBy?: (delivery: Delivery, assignee: string) => string;
  cell(delivery: Delivery, assignee: string): Node | string;
}

/** The id in full (ops paste it into the Temporal UI) with a button that copies it. */
function idCell(context: ConsoleContext, id: string): Node {
  const code = h('code', { class: 'delivery-id' }, id);
  const copy = async () => {
    const copied = await copyOrSelect(id, () => getSelection()?.selectAllChildren(code));
    context.announce(
      copied ? `Copied delivery id ${id}` : 'The id is selected: press Ctrl+C (⌘C) to copy it',
    );
  };
  return h(
    'span',
    { class: 'id-cell' },
    code,
    button('Copy', () => void copy(), { class: 'copy', 'aria-label': `Copy id ${id}` }),
  );
}

function workflowLink(temporalUi: TemporalUi, delivery: Delivery): Node | string {
  if (!temporalUi) return '';
  const url = temporalUiListUrl(temporalUi.url, temporalUi.namespace, deliveryIdQuery(delivery.id));
  return h(
    'a',
    { href: url, target: '_blank', rel: 'noopener', 'aria-label': `Workflow of ${delivery.id}` },
    'Workflow',
  );
}

function columns(context: ConsoleContext, temporalUi: () => TemporalUi): Column[] {
  return [
    { key: 'id', label: 'ID', cell: (d) => idCell(context, d.id) },
    {
      key: 'product',
      label: 'Product',
      sortBy: (d) => d.product_name.toLowerCase(),
      cell: (d) => h('a', { href: `#/deliveries/${d.id}` }, d.product_name),
    },
    {
      key: 'status',
      label: 'Status',
      sortBy: (d) => String(DELIVERY_STATUSES.indexOf(d.status)),
      cell: (d) => statusBadge(d),
    },
    { key: 'due', label: 'Due', sortBy: (d) => d.delivery_date, cell: (d) => d.delivery_date },
    {
      key: 'assignee',
      label: 'Assigned to',
      sortBy: (_, assignee) => assignee.toLowerCase(),
      cell: (_, assignee) => assignee,
    },
    {
      key: 'created',
      label: 'Created',
      sortBy: (d) => d.created_at,
      cell: (d) => h('time', { datetime: d.created_at }, formatTime(d.created_at)),
    },
    { key: 'workflow', label: 'Temporal', cell: (d) => workflowLink(temporalUi(), d) },
  ];
}

/**
 * Every delivery, dense: a page at a time (20, 50 or 100, newest first, as the API pages them),
 * sortable by its column headers within the page, each row with its id to copy and, when
 * TEMPORAL_UI_URL is configured, a link to its workflow.
 */
export function deliveryTable(context: ConsoleContext, temporalUi: () => TemporalUi) {
  const cols = columns(context, temporalUi);
  const status = field(
    'Status',
    select('status', [
      ['', 'Any status'],
      ...DELIVERY_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const),
    ]),
  );
  const size = field(
    'Rows per page',
    select(
      'limit',
      PAGE_SIZES.map((n) => [n, n] as const),
    ),
  );
  const filters = h(
    'form',
    { class: 'filters table-filters', novalidate: true, 'aria-label': 'Table filters' },
    status.wrapper,
    size.wrapper,
  );
  const body = h('tbody');
  const head = h('tr');
  const pager = h('div', { class: 'pager' });
  let sort: { key: string; descending: boolean } = { key: 'created', descending: true };
  let rows: { delivery: Delivery; assignee: string }[] = [];
  // Keyset pages: the cursors that opened each page so far, for "Previous".
  let cursors: (string | undefined)[] = [undefined];
  let next: string | null = null;
  let generation = 0;
  // The page last asked for, shown or still loading: a refresh re-reads it, so a live change that
  // arrives while "Next page" loads does not take the user back to the page they left.
  let wanted: { index: number; cursor: string | undefined } = { index: 0, cursor: undefined };

  const renderHead = () => {
    replaceChildren(
      head,
      ...cols.map((col) => {
        if (!col.sortBy) return h('th', { scope: 'col' }, col.label);
        const active = sort.key === col.key;
        const direction = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
        return h(
          'th',
          { scope: 'col', 'aria-sort': direction },
          button(
            col.label,
            () => {
              sort = { key: col.key, descending: active ? !sort.descending : false };
              render();
            },
            { class: 'sort', 'data-sort': col.key },
          ),
        );
      }),
    );
  };
  const render = () => {
    renderHead();
    const by = cols.find((col) => col.key === sort.key)?.sortBy;
    const sorted = by
      ? [...rows].sort((a, b) => {
          const order = by(a.delivery, a.assignee).localeCompare(by(b.delivery, b.assignee));
          return sort.descending ? -order : order;
        })
      : rows;
    replaceChildren(
      body,
      sorted.length === 0 &&
        h('tr', {}, h('td', { colspan: cols.length, class: 'empty' }, 'No delivery matches.')),
      ...sorted.map(({ delivery, assignee }) =>
        h(
          'tr',
          { 'data-delivery-id': delivery.id },
          ...cols.map((col) => h('td', { 'data-column': col.key }, col.cell(delivery, assignee))),
        ),
      ),
    );
    const page = cursors.length;
    replaceChildren(
      pager,
      button('Previous page', () => void load(cursors.length - 2), { disabled: page === 1 }),
      h('span', { class: 'meta' }, `Page ${page}`),
      button('Next page', () => void load(cursors.length, next ?? undefined), { disabled: !next }),
    );
  };
  /** Loads the page at `index` of `cursors` (a new last one when `cursor` is given). */
  const load = async (index: number, cursor?: string): Promise<void> => {
    const mine = ++generation;
    clearProblems(filters);
    const opening = cursor === undefined ? cursors[index] : cursor;
    wanted = { index, cursor: opening };
    let page: PageBody<Delivery>;
    let admins: Map<string, string>;
    try {
      [page, admins] = await Promise.all([
        context.api.get<PageBody<Delivery>>('/deliveries', {
          status: status.control.value,
          limit: size.control.value,
          cursor: opening,
        }),
        context.admins().then((list) => new Map(list.map((a) => [a.id, a.name]))),
      ]);
    } catch (error) {
      if (mine === generation) showProblem(filters, error);
      return;
    }
    if (mine !== generation) return;
    cursors = [...cursors.slice(0, index), opening];
    next = page.next_cursor;
    rows = page.data.map((delivery) => ({
      delivery,
      assignee: delivery.assigned_to
        ? (admins.get(delivery.assigned_to) ?? 'An inactive admin')
        : '',
    }));
    render();
  };
  const firstPage = () => {
    cursors = [undefined];
    return load(0);
  };
  filters.addEventListener('change', () => void firstPage());
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void firstPage();
  });
  renderHead();
  const element = h(
    'section',
    { class: 'delivery-table', 'aria-labelledby': 'delivery-table-title' },
    h('h3', { id: 'delivery-table-title' }, 'Deliveries'),
    filters,
    h(
      'div',
      { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Deliveries table' },
      h('table', { class: 'dense' }, h('thead', {}, head), body),
    ),
    pager,
  );
  // A refresh (a live change) re-reads the page on screen or being opened, not the first one.
  return { element, refresh: () => load(wanted.index, wanted.cursor) };
}
