import { expect } from 'chai';
import { Errors } from 'postmark';
import { classifyEmailError } from '../../src/notifications/email-failures';

describe('classifyEmailError', () => {
  const cases: [string, unknown, string, boolean][] = [
    ['a network error', new Errors.PostmarkError('fetch failed'), 'email-transient', false],
    ['a 500', new Errors.InternalServerError('boom', 0, 500), 'email-transient', false],
    ['a 503', new Errors.ServiceUnavailablerError('down', 0, 503), 'email-transient', false],
    ['a 429', new Errors.RateLimitExceededError('slow down', 0, 429), 'email-transient', false],
    ['a 422/406', new Errors.ApiInputError('inactive', 406, 422), 'email-inactive-recipient', true],
    ['a 422/300', new Errors.ApiInputError('bad address', 300, 422), 'email-invalid-address', true],
    ['a 401', new Errors.InvalidAPIKeyError('bad token', 10, 401), 'email-rejected', true],
    ['a 422 of another code', new Errors.ApiInputError('x', 402, 422), 'email-rejected', true],
    ['an unknown error', new Error('?'), 'email-transient', false],
  ];
  for (const [what, error, type, permanent] of cases) {
    it(`when Postmark fails with ${what}, then it is ${type} (permanent: ${permanent})`, () => {
      expect(classifyEmailError(error)).to.include({ type, permanent });
    });
  }
});
