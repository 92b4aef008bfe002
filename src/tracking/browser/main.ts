import './tracking.css';
import { isTerminal } from '../../domain/delivery-status';
import type { PublicTracking } from '../../schemas/tracking';
import { courierText, expectedText, stepTimeText } from '../display';

/**
 * The tracking page's live updates. The page is complete as served; this only follows the
 * delivery's event stream and rewrites the status, the lateness, the courier and the timeline
 * from each view it sends. Text is set as text, never parsed as HTML.
 */
const main = document.getElementById('tracking');
const byId = (id: string) => document.getElementById(id) as HTMLElement;

function element(tag: string, className: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function render(view: PublicTracking, timeZone: string): void {
  const status = byId('status');
  status.dataset['status'] = view.status;
  if (status.textContent !== view.status_text) status.textContent = view.status_text;
  byId('late').hidden = !view.late;
  byId('expected-text').textContent = expectedText(view, timeZone);
  const courier = byId('courier');
  courier.hidden = view.courier_first_name === null;
  courier.textContent = view.courier_first_name ? courierText(view.courier_first_name) : '';
  const steps = view.timeline.map((step) => {
    const item = document.createElement('li');
    item.dataset['step'] = step.step;
    item.append(element('span', 'step-text', step.text));
    if (step.detail) item.append(element('span', 'step-detail', step.detail));
    const time = element('time', '', stepTimeText(step.at, timeZone));
    time.setAttribute('datetime', step.at);
    item.append(time);
    return item;
  });
  byId('timeline').replaceChildren(...steps);
}

function follow(page: HTMLElement): void {
  const url = page.dataset['events'];
  const timeZone = page.dataset['timeZone'] ?? 'UTC';
  if (!url || typeof EventSource === 'undefined') return;
  const live = byId('live');
  const say = (text: string) => {
    live.textContent = text;
    live.hidden = text === '';
  };
  const source = new EventSource(url);
  source.addEventListener('open', () => say('Updates appear here as they happen.'));
  source.addEventListener('view', (event) => {
    const view = JSON.parse((event as MessageEvent<string>).data) as PublicTracking;
    render(view, timeZone);
    // Nothing follows a final status: stop listening rather than hold a connection open.
    if (isTerminal(view.status)) {
      source.close();
      say('');
    }
  });
  source.addEventListener('error', () => {
    // EventSource retries by itself; CLOSED means it gave up (the link no longer works).
    if (source.readyState === EventSource.CLOSED) say('Live updates stopped: refresh the page.');
    else say('Reconnecting…');
  });
}

if (main) follow(main);
