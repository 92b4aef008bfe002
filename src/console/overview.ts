import './overview.css';
import { DELIVERY_STATUSES } from '../domain/delivery-status';
import type { DeliveryStats } from '../schemas/delivery-stats';
import type { PageBody } from './api';
import { durationBars, shareBar, stackedBars } from './charts';
import { deliveryCard } from './deliveries';
import { deliveryTable } from './delivery-table';
import { h, replaceChildren } from './dom';
import { findByIdForm } from './find-by-id';
import { KeptForms } from './forms';
import { STATUS_LABELS, type ConsoleContext, type Delivery, type View } from './model';
import { describe } from './problem';
import { spanText } from './span-text';

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** One number with its name, as a tile: `data-count` lets a test read it. */
const tile = (label: string, count: number, key: string) =>
  h(
    'div',
    { class: 'tile', 'data-key': key },
    h('dt', {}, label),
    h('dd', { 'data-count': count }, String(count)),
  );

function panel(title: string, ...children: (Node | string | null | false)[]) {
  return h('section', { class: 'panel-box', 'aria-label': title }, h('h3', {}, title), ...children);
}

function nowPanel(stats: DeliveryStats) {
  return panel(
    'Now',
    h(
      'dl',
      { class: 'tiles status-counts' },
      ...DELIVERY_STATUSES.map((s) => tile(STATUS_LABELS[s], stats.by_status[s], s)),
    ),
    h('p', { class: 'meta' }, `${stats.total} deliveries in all`),
  );
}

function todayPanel(stats: DeliveryStats) {
  const today = stats.days.at(-1);
  return panel(
    `Today (${stats.today})`,
    h(
      'dl',
      { class: 'tiles today-counts' },
      tile('Created', stats.created_today, 'created'),
      ...FINAL.map((s) => tile(STATUS_LABELS[s], today?.[s] ?? 0, s)),
    ),
  );
}

/**
 * The delivery that has waited longest for an admin, with its assign form (the least loaded
 * admin first), so the dispatcher's most common job is done from the page they land on.
 */
function oldestPanel(
  context: ConsoleContext,
  waiting: number,
  oldest: Delivery | undefined,
  done: () => void,
  kept: KeptForms,
) {
  return panel(
    'Oldest unassigned',
    oldest
      ? h(
          'ul',
          { class: 'cards oldest-unassigned' },
          deliveryCard(context, oldest, ['assign'], done, kept),
        )
      : h('p', { class: 'empty' }, 'The queue is empty.'),
    h(
      'p',
      { class: 'meta' },
      `${waiting} waiting · `,
      h('a', { href: '#/' }, 'The unassigned queue, oldest first'),
    ),
  );
}

function daysPanel(stats: DeliveryStats) {
  const series = FINAL.map((key) => ({ key, label: STATUS_LABELS[key] }));
  const sums = FINAL.map(
    (key) => `${stats.days.reduce((n, d) => n + d[key], 0)} ${STATUS_LABELS[key].toLowerCase()}`,
  );
  const box = panel(
    'Last 30 days',
    stackedBars({
      bars: stats.days,
      series,
      label: `Deliveries finished per day over the last 30 days (${stats.time_zone}): ${sums.join(', ')}`,
    }),
    h(
      'ul',
      { class: 'legend' },
      ...series.map(({ key, label }) =>
        h('li', {}, h('span', { class: `swatch segment-${key}`, 'aria-hidden': 'true' }), label),
      ),
    ),
  );
  // The chart takes the grid's whole width: thirty bars in a third of it are unreadable.
  box.classList.add('wide');
  return box;
}

function onTimePanel(stats: DeliveryStats) {
  const { completed, on_time: onTime, rate } = stats.on_time;
  const sentence =
    completed === 0
      ? 'Nothing completed in the last 30 days.'
      : `${onTime} of ${completed} completed deliveries were on time.`;
  return panel(
    'On time',
    h('p', { class: 'big', 'data-rate': rate ?? '' }, percent(rate)),
    shareBar(rate, `On-time rate over the last 30 days: ${percent(rate)}`),
    h('p', { class: 'meta' }, sentence),
  );
}

function mediansPanel(stats: DeliveryStats) {
  const rows = [
    { label: 'Created to assigned', seconds: stats.median_seconds.created_to_assigned },
    { label: 'Created to completed', seconds: stats.median_seconds.created_to_completed },
  ].map((row) => ({ ...row, text: spanText(row.seconds) }));
  return panel(
    'Median times (30 days)',
    h(
      'dl',
      { class: 'medians' },
      ...rows.flatMap((row) => [h('dt', {}, row.label), h('dd', {}, row.text)]),
    ),
    durationBars(rows, rows.map((row) => `${row.label}: ${row.text}`).join('; ')),
  );
}

function adminsPanel(stats: DeliveryStats) {
  const headers = ['Admin', STATUS_LABELS.ASSIGNED, STATUS_LABELS.IN_TRANSIT, 'Open'];
  return panel(
    "Admins' load",
    stats.admins.length === 0
      ? h('p', { class: 'empty' }, 'No active admin.')
      : h(
          'div',
          {
            class: 'table-scroll',
            tabindex: '0',
            role: 'region',
            'aria-label': "Admins' load table",
          },
          h(
            'table',
            { class: 'dense admin-load' },
            h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
            h(
              'tbody',
              {},
              ...stats.admins.map((admin) =>
                h(
                  'tr',
                  { 'data-admin-id': admin.admin_id },
                  h('th', { scope: 'row' }, admin.name),
                  h('td', {}, String(admin.ASSIGNED)),
                  h('td', {}, String(admin.IN_TRANSIT)),
                  h('td', {}, String(admin.open)),
                ),
              ),
            ),
          ),
        ),
  );
}

/**
 * The super admin's landing page: Find by id, what is where now, today's deliveries, the oldest
 * unassigned delivery with its assign form, the 30-day chart,
 * the on-time rate and the medians (one call, GET /deliveries/stats), each admin's load, and the
 * dense table of every delivery.
 */
export function overviewView(context: ConsoleContext): View {
  let stats: DeliveryStats | null = null;
  const table = deliveryTable(context, () => stats?.temporal_ui ?? null);
  const numbers = h(
    'div',
    { class: 'overview-grid', 'aria-live': 'polite' },
    h('p', {}, 'Loading…'),
  );
  let generation = 0;
  const kept = new KeptForms();
  const refreshNumbers = async () => {
    const mine = ++generation;
    try {
      const [read, queue] = await Promise.all([
        context.api.get<DeliveryStats>('/deliveries/stats'),
        context.api.get<PageBody<Delivery>>('/deliveries', {
          status: 'CREATED',
          order: 'oldest',
          limit: '1',
        }),
      ]);
      if (mine !== generation) return;
      stats = read;
      const assigned = () => void refresh();
      replaceChildren(
        numbers,
        nowPanel(read),
        todayPanel(read),
        oldestPanel(context, read.by_status.CREATED, queue.data[0], assigned, kept),
        daysPanel(read),
        onTimePanel(read),
        mediansPanel(read),
        adminsPanel(read),
      );
    } catch (error) {
      if (mine === generation)
        replaceChildren(numbers, h('p', { class: 'form-error', role: 'alert' }, describe(error)));
    }
  };
  const finder = findByIdForm(context);
  const element = h(
    'section',
    { class: 'overview' },
    h('h2', {}, 'Overview'),
    finder,
    numbers,
    table.element,
  );
  // The numbers first: the table's Temporal links read their configuration.
  const refresh = async () => {
    await refreshNumbers();
    await table.refresh();
  };
  return {
    element,
    refresh,
    // Signed in, a dispatcher holding an id pastes it at once.
    landingFocus: () => finder.querySelector('input')?.focus(),
    dispose: () => {
      generation += 1;
    },
  };
}
