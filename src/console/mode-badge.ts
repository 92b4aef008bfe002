import { h } from './dom';

/** "Sandbox" or "Live", said in words and in colour, on keys and on deliveries alike. */
export function modeBadge(sandbox: boolean): HTMLElement {
  return h(
    'span',
    { class: 'mode-badge', 'data-mode': sandbox ? 'sandbox' : 'live' },
    sandbox ? 'Sandbox' : 'Live',
  );
}
