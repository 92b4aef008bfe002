import { copyOrSelect } from './clipboard';
import { button, h } from './dom';
import type { ConsoleContext } from './model';

/**
 * A secret the API shows in one answer only (a new API key, a webhook signing secret): the text,
 * a copy button, and the sentence that it will not be shown again. It takes the focus, so a
 * keyboard or screen-reader user lands on it; Done removes it from the page.
 */
export function shownOnce(
  context: ConsoleContext,
  title: string,
  secret: string,
  sentence: string,
): HTMLElement {
  const code = h('code', { class: 'secret', 'data-secret': '' }, secret);
  const copy = async () => {
    const copied = await copyOrSelect(secret, () => getSelection()?.selectAllChildren(code));
    context.announce(copied ? `${title} copied.` : 'It is selected: press Ctrl+C (⌘C) to copy it.');
  };
  const element = h(
    'section',
    { class: 'shown-once', 'aria-label': title, tabindex: '-1' },
    h('h3', {}, title),
    h('p', { class: 'notice' }, sentence),
    h('p', {}, code),
    h(
      'div',
      { class: 'actions' },
      button('Copy', () => void copy(), { 'aria-label': `Copy ${title}` }),
      button('Done', () => element.remove(), { class: 'secondary' }),
    ),
  );
  return element;
}
