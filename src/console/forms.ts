import { h, type Field } from './dom';
import { clearProblems, showProblem } from './problem';

type FormChild = Node | string | null | false;

export interface ApiFormOptions {
  /** The form's accessible name. */
  label: string;
  class: string;
  children: FormChild[];
  /** Sends the form; its rejection is shown on the form, field by field. */
  send: () => Promise<unknown>;
}

/**
 * A form that talks to the API. It validates nothing itself (`novalidate`): the API's messages
 * are the rules, shown next to each field. Its buttons are disabled while a request is pending,
 * so a double click sends once.
 */
export function apiForm(options: ApiFormOptions): HTMLFormElement {
  const form = h(
    'form',
    { class: options.class, novalidate: true, 'aria-label': options.label },
    ...options.children,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    if (buttons.some((b) => b.disabled)) return;
    buttons.forEach((b) => (b.disabled = true));
    clearProblems(form);
    options
      .send()
      .catch((error: unknown) => showProblem(form, error))
      .finally(() => buttons.forEach((b) => (b.disabled = false)));
  });
  return form;
}

export const submitButton = (text: string, attributes: Record<string, string> = {}) =>
  h('button', { type: 'submit', ...attributes }, text);

/** A titled "new …" form: its fields, one submit button, sent to the API. */
export function newItemForm(
  title: string,
  fields: readonly Field<HTMLElement>[],
  submitText: string,
  send: () => Promise<unknown>,
): HTMLFormElement {
  return apiForm({
    label: title,
    class: 'create',
    children: [h('h2', {}, title), ...fields.map((f) => f.wrapper), submitButton(submitText)],
    send,
  });
}
