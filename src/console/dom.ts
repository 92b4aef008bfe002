type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | number | undefined | EventListener>;

/**
 * Builds an element. Text is always set as text, never parsed as HTML, so whatever the API
 * returns (a product name, a reason) cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

let nextId = 0;
/** A unique element id, so every input can have a label that points at it. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export interface Field<E extends HTMLElement> {
  wrapper: HTMLDivElement;
  control: E;
  error: HTMLParagraphElement;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * A labelled control with its own error line, wired for screen readers (`aria-describedby`,
 * `aria-invalid`); `name` is the API's field name, which is how problem `errors` find it. With
 * `required` the label says "(required)" or "(optional)" (see `markRequired`); errors name the
 * field by its label alone.
 */
export function field<E extends Control>(
  label: string,
  control: E,
  options: { required?: boolean } = {},
): Field<E> {
  const id = control.id || uniqueId(control.name || 'field');
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', error.id);
  control.dataset['label'] = label;
  const mark = options.required === undefined ? null : h('span', { class: 'required-mark' });
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, mark),
    control,
    error,
  );
  const made = { wrapper, control, error };
  if (options.required !== undefined) markRequired(made, options.required);
  return made;
}

/**
 * Says in the label whether the field must be filled, for a rule that depends on another field
 * (a note when the reason is "other"). The form still sends what it has: the API decides.
 */
export function markRequired(made: Field<Control>, required: boolean): void {
  const mark = made.wrapper.querySelector('.required-mark');
  if (mark) mark.textContent = required ? ' (required)' : ' (optional)';
  // The form is `novalidate`: the attribute tells assistive technology, it blocks nothing.
  made.control.required = required;
}

export function input(name: string, attributes: Attributes = {}): HTMLInputElement {
  return h('input', { name, type: 'text', ...attributes });
}

export function select(
  name: string,
  options: readonly (readonly [value: string, text: string])[],
  attributes: Attributes = {},
): HTMLSelectElement {
  return h(
    'select',
    { name, ...attributes },
    ...options.map(([value, text]) => h('option', { value }, text)),
  );
}

export function button(text: string, onClick: () => void, attributes: Attributes = {}) {
  return h('button', { type: 'button', ...attributes, onclick: onClick as EventListener }, text);
}

/** Shown dates and times in the reader's locale; the API speaks ISO 8601. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** A page's list beside its form: a titled section (its heading names it), a line of help, the list. */
export function titledList(id: string, title: string, help: string, list: Child): HTMLElement {
  return h(
    'section',
    { class: 'list', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('p', { class: 'meta' }, help),
    list,
  );
}
