import type { BatchResource, BatchSummary } from '../schemas/batches';
import { newIdempotencyKey, type PageBody } from './api';
import { BATCH_CSV_COLUMNS, BatchInputError, parseBatch } from './batch-input';
import { button, field, formatTime, h, replaceChildren } from './dom';
import { apiForm, submitButton } from './forms';
import type { ConsoleContext, View } from './model';
import { ApiProblem, describe, showListProblem } from './problem';

/** How often the page re-reads its batches while one of them is still processing. */
const POLL_MS = 2000;

type BatchItem = BatchResource['items'][number];

/** `deliveries.3.product_name` → `Delivery 4 (order-1042) product_name`, for a person. */
function itemProblem(error: unknown, deliveries: readonly unknown[]): unknown {
  if (!(error instanceof ApiProblem)) return error;
  const errors = error.errors.map((entry) => {
    const match = /^deliveries\.(\d+)\.?(.*)$/.exec(entry.field);
    if (!match) return entry;
    const index = Number(match[1]);
    const key = (deliveries[index] as { idempotency_key?: unknown } | undefined)?.idempotency_key;
    const which = `Delivery ${index + 1}${typeof key === 'string' ? ` (${key})` : ''}`;
    return { field: match[2] ? `${which} ${match[2]}` : which, message: entry.message };
  });
  return new ApiProblem(error.status, error.title, error.detail, errors, error.code);
}

function newBatchForm(context: ConsoleContext, sent: (batch: BatchResource) => void) {
  const file = field(
    'CSV or JSON file',
    h('input', { name: 'file', type: 'file', accept: '.csv,.json,text/csv,application/json' }),
  );
  const pasted = field(
    'Or paste CSV or JSON',
    h('textarea', { name: 'pasted', rows: 6, spellcheck: 'false' }),
  );
  // One batch key until a batch is accepted: a resend after a lost answer is the same batch.
  let key = newIdempotencyKey();
  const form = apiForm({
    label: 'New batch',
    class: 'create',
    children: [
      h('h2', {}, 'New batch'),
      h(
        'p',
        { class: 'meta' },
        'Up to 1,000 deliveries at once. A CSV has a header row naming its columns; each row is one delivery, with your own order number as idempotency_key (sending it again never makes a second delivery).',
      ),
      h(
        'details',
        { class: 'hint' },
        h('summary', {}, 'Columns and an example'),
        h('p', {}, h('code', {}, BATCH_CSV_COLUMNS.join(','))),
        h(
          'p',
          {},
          h(
            'code',
            {},
            'order-1042,Espresso machine,"12 Rue de la Paix, Paris",2030-01-31,,,Camille Martin,,camille@example.com,,false',
          ),
        ),
        h(
          'p',
          {},
          'Or JSON as the API takes it: {"deliveries": [{"idempotency_key": "order-1042", "product_name": …}]}',
        ),
      ),
      file.wrapper,
      pasted.wrapper,
      submitButton('Send batch'),
    ],
    send: async () => {
      const chosen = file.control.files?.[0];
      const text = chosen ? await chosen.text() : pasted.control.value;
      let body: { deliveries: unknown[] };
      try {
        body = parseBatch(text);
      } catch (error) {
        if (error instanceof BatchInputError) throw new ApiProblem(0, 'Error', error.message);
        throw error;
      }
      let batch: BatchResource;
      try {
        batch = await context.api.post<BatchResource>('/deliveries/batches', {
          body,
          idempotencyKey: key,
        });
      } catch (error) {
        throw itemProblem(error, body.deliveries);
      }
      key = newIdempotencyKey();
      form.reset();
      context.announce(`Batch of ${batch.total} accepted.`);
      sent(batch);
    },
  });
  return form;
}

function itemLine(item: BatchItem): HTMLLIElement {
  const problem = item.problem;
  return h(
    'li',
    { 'data-item-index': item.index },
    h('strong', {}, `Delivery ${item.index + 1} (${item.idempotency_key})`),
    ': ',
    problem
      ? describe(
          new ApiProblem(problem.status, problem.title, problem.detail, problem.errors ?? []),
        )
      : item.status,
  );
}

/** One batch: its progress bar and counts, and once it is done, the items that failed. */
class BatchCard {
  readonly element: HTMLLIElement;
  private readonly bar: HTMLProgressElement;
  private readonly counts: HTMLParagraphElement;
  private readonly state: HTMLSpanElement;
  private readonly problems: HTMLElement;
  private problemsRead = false;

  constructor(
    private readonly context: ConsoleContext,
    readonly summary: BatchSummary,
  ) {
    const titleId = `batch-${summary.id}-title`;
    this.state = h('span', { class: 'status' });
    this.bar = h('progress', { max: summary.total, value: 0, 'aria-labelledby': titleId });
    this.counts = h('p', { class: 'meta', id: `batch-${summary.id}-counts` });
    this.bar.setAttribute('aria-describedby', this.counts.id);
    this.problems = h('div', { class: 'batch-problems' });
    this.element = h(
      'li',
      { class: 'card batch', 'data-batch-id': summary.id },
      h('h3', { id: titleId }, `Batch of ${summary.total} · ${formatTime(summary.created_at)}`),
      this.state,
      h('div', { class: 'batch-progress' }, this.bar),
      this.counts,
      this.problems,
    );
    this.update(summary);
  }

  update(summary: BatchSummary): void {
    if (this.element.dataset['status'] === 'processing' && summary.status === 'completed') {
      this.context.announce(`Batch of ${summary.total} completed: ${summary.failed} failed.`);
    }
    const percent = Math.floor((summary.processed / summary.total) * 100);
    this.bar.value = summary.processed;
    this.bar.textContent = `${percent}%`;
    this.bar.setAttribute(
      'aria-valuetext',
      `${percent}%: ${summary.processed} of ${summary.total}`,
    );
    this.element.dataset['status'] = summary.status;
    this.element.dataset['percent'] = String(percent);
    this.state.dataset['batchStatus'] = summary.status;
    this.state.textContent = summary.status === 'completed' ? 'Completed' : 'Processing';
    this.counts.textContent = `${summary.processed} of ${summary.total} tried (${percent}%): ${summary.created} created, ${summary.replayed} replayed, ${summary.failed} failed`;
    if (summary.status === 'completed' && summary.failed > 0 && !this.problemsRead) {
      this.problemsRead = true;
      void this.readProblems();
    }
  }

  private async readProblems(): Promise<void> {
    try {
      const batch = await this.context.api.get<BatchResource>(
        `/deliveries/batches/${this.summary.id}`,
      );
      const failed = batch.items.filter((item) => item.status === 'failed');
      replaceChildren(
        this.problems,
        h(
          'details',
          { open: true },
          h('summary', {}, `Deliveries with a problem (${failed.length})`),
          h('ul', { class: 'item-problems' }, ...failed.map(itemLine)),
        ),
      );
    } catch (error) {
      this.problemsRead = false;
      replaceChildren(this.problems, h('p', { class: 'form-error' }, describe(error)));
    }
  }
}

/**
 * The partner's batches: send one from a file or pasted text, then follow each to its end. While
 * one is processing the page re-reads the list every two seconds; a finished batch lists the
 * deliveries that failed, each with what a single create would have answered.
 */
export function batchesView(context: ConsoleContext): View {
  const list = h('ul', { class: 'cards', 'aria-label': 'Batches' });
  // One page, grown 20 at a time up to the API's 100, so the poll re-reads all that is shown.
  let limit = 20;
  const older = h('div', { class: 'more' });
  const cards = new Map<string, BatchCard>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const refresh = async (): Promise<void> => {
    clearTimeout(timer);
    let page: PageBody<BatchSummary>;
    try {
      page = await context.api.get<PageBody<BatchSummary>>('/deliveries/batches', {
        limit: String(limit),
      });
    } catch (error) {
      showListProblem(list, error);
      return;
    }
    if (disposed) return;
    const shown = page.data.map((summary) => {
      const card = cards.get(summary.id) ?? new BatchCard(context, summary);
      cards.set(summary.id, card);
      card.update(summary);
      return card.element;
    });
    // Cards stay the same elements, so an open list of problems or the focus is not lost.
    replaceChildren(
      older,
      page.next_cursor !== null &&
        (limit < 100
          ? button('Show older batches', () => {
              limit += 20;
              void refresh();
            })
          : h(
              'p',
              { class: 'meta' },
              'The 100 newest batches are shown; GET /deliveries/batches pages through the rest.',
            )),
    );
    if (shown.length === 0) replaceChildren(list, h('li', { class: 'empty' }, 'No batch yet.'));
    else if (shown.some((element, index) => list.children[index] !== element)) {
      replaceChildren(list, ...shown);
    }
    if (page.data.some((summary) => summary.status === 'processing')) {
      timer = setTimeout(() => void refresh(), POLL_MS);
    }
  };
  const form = newBatchForm(context, () => void refresh());
  const element = h(
    'div',
    { class: 'columns' },
    form,
    h(
      'section',
      { class: 'list', 'aria-label': 'Your batches' },
      h('h2', {}, 'Batches'),
      list,
      older,
    ),
  );
  const dispose = () => {
    disposed = true;
    clearTimeout(timer);
  };
  return { element, refresh, dispose };
}
