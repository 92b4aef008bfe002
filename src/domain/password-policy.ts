import type { FieldError } from './errors';

export const MIN_PASSWORD_LENGTH = 10;

export function passwordProblems(password: string, email: string): FieldError[] {
  const problems: FieldError[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push({
      field: 'password',
      message: `must be at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    problems.push({ field: 'password', message: 'must not be the email address' });
  }
  return problems;
}
