import { newIdempotencyKey } from './api';
import { button, h, type Field } from './dom';
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
  const touch = () => (form.dataset['touched'] = 'true');
  form.addEventListener('input', touch);
  form.addEventListener('change', touch);
  form.addEventListener('submit', (event) => {
    touch();
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

/**
 * One small form per allowed action, with one Idempotency-Key however often it is submitted: a
 * repeat after a lost answer gets the first answer instead of a second change.
 */
export function actionForm(
  name: string,
  run: (key: string) => Promise<unknown>,
  done: () => void,
  ...children: Node[]
): HTMLFormElement {
  const key = newIdempotencyKey();
  return apiForm({
    label: name,
    class: 'action',
    children,
    send: () => run(key).then(done),
  });
}

export interface ConfirmedFormOptions {
  label: string;
  class?: string;
  /** The fields before the question (a reason), if any. */
  children?: Node[];
  /** The submit button's words before and after the first press ("Cancel delivery", "Yes, cancel it"). */
  action: string;
  confirm: string;
  /** What will happen, asked on the first press. */
  question: string;
  /** The words of the button that backs out ("Keep it"). */
  keep: string;
  send: () => Promise<unknown>;
}

/**
 * For what cannot be undone (a cancel, a revoked key): the first press says what will happen and
 * turns the button into `confirm`, beside `keep`; only the second press sends.
 */
export function confirmedForm(options: ConfirmedFormOptions): HTMLFormElement {
  const submit = submitButton(options.action, { class: 'danger' });
  const question = h('p', { class: 'confirm', role: 'alert', hidden: true }, options.question);
  const keep = button(options.keep, () => ask(false), { hidden: true });
  let asked = false;
  const ask = (on: boolean) => {
    asked = on;
    question.hidden = !on;
    keep.hidden = !on;
    submit.textContent = on ? options.confirm : options.action;
  };
  return apiForm({
    label: options.label,
    class: options.class ?? 'action',
    children: [...(options.children ?? []), question, submit, keep],
    send: () => (asked ? options.send() : Promise.resolve(ask(true))),
  });
}

/**
 * The action forms one view shows, kept across its re-renders while the user is at one: a live
 * refresh redraws every card, and must not wipe a typed note, the photos chosen on a phone or the
 * refusal the last submit showed. A form is kept once touched (typed in, chosen in or sent), for
 * as long as its delivery is unchanged (`version`); otherwise it is made afresh.
 */
export class KeptForms {
  private readonly forms = new Map<string, { version: string; form: HTMLFormElement }>();

  form(key: string, version: string, make: () => HTMLFormElement): HTMLFormElement {
    const kept = this.forms.get(key);
    if (kept?.version === version && kept.form.dataset['touched'] === 'true') return kept.form;
    const form = make();
    this.forms.set(key, { version, form });
    return form;
  }
}
