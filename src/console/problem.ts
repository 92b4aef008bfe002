import type { FieldError } from '../domain/errors';
import { h, replaceChildren } from './dom';

export type { FieldError };

/** An RFC 9457 answer from the API, or a network failure, as the console shows it: words. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
    readonly code = '',
  ) {
    super(detail || title);
  }

  static async from(response: Response): Promise<ApiProblem> {
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    const text = (key: string) => (typeof body?.[key] === 'string' ? (body[key] as string) : '');
    const errors = Array.isArray(body?.['errors']) ? (body['errors'] as FieldError[]) : [];
    const code = text('type').split('/').pop() ?? '';
    return new ApiProblem(
      response.status,
      text('title') || response.statusText,
      text('detail'),
      errors,
      code,
    );
  }

  static unreachable(): ApiProblem {
    return new ApiProblem(0, 'Network error', 'The server could not be reached. Try again.');
  }
}

function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(0, 'Error', error instanceof Error ? error.message : String(error));
}

/** One sentence for a problem that no field owns. */
export function describe(error: unknown, labelOf: (field: string) => string = (f) => f): string {
  const problem = asProblem(error);
  const fields = problem.errors.map((e) => `${labelOf(e.field)} ${e.message}`);
  return [problem.detail || problem.title, ...fields].join(' ');
}

function fieldControl(form: HTMLElement, name: string) {
  return form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
}

/** Removes the messages a previous answer left on the form. */
export function clearProblems(form: HTMLElement): void {
  for (const error of form.querySelectorAll<HTMLElement>('.field-error')) error.hidden = true;
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
  }
  const summary = form.querySelector<HTMLElement>('.form-error');
  if (summary) summary.hidden = true;
}

/**
 * Puts each field error next to the field it names; whatever no field owns goes to the form's
 * own message line. The first invalid field takes the focus so a keyboard user lands on it.
 */
export function showProblem(form: HTMLElement, error: unknown): void {
  clearProblems(form);
  const problem = asProblem(error);
  const unowned: FieldError[] = [];
  let first: HTMLElement | null = null;
  for (const entry of problem.errors) {
    const control = fieldControl(form, entry.field);
    const line = control && document.getElementById(`${control.id}-error`);
    if (!control || !line) {
      unowned.push(entry);
      continue;
    }
    line.textContent = `${control.dataset['label'] ?? entry.field} ${entry.message}`;
    line.hidden = false;
    control.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  if (first) first.focus();
  if (unowned.length === 0 && problem.errors.length > 0) return;
  let summary = form.querySelector<HTMLElement>('.form-error');
  if (!summary) {
    summary = h('p', { class: 'form-error', role: 'alert' });
    form.append(summary);
  }
  replaceChildren(summary, describe(new ApiProblem(0, problem.title, problem.detail, unowned)));
  summary.hidden = false;
}

/** A list that could not be read says why in its own place, as a list item (a list holds items). */
export function showListProblem(list: HTMLUListElement, error: unknown): void {
  replaceChildren(list, h('li', { class: 'form-error', role: 'alert' }, describe(error)));
}
