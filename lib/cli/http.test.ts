import { describe, expect, it } from 'vitest';
import { errorMessage } from './http';

const res = (status: number, statusText = '') => new Response(null, { status, statusText });

describe('errorMessage', () => {
  it("adds the server's first problem (path: message) to its message, on one line", () => {
    const answer = {
      error: { code: 'INVALID_INPUT', message: 'The secret is not valid.' },
      errors: [
        { path: 'name', message: 'Names are lowercase letters,\ndigits and -.' },
        { path: 'values', message: 'Give at least one key.' },
      ],
    };
    expect(errorMessage(res(400), answer)).toBe('The secret is not valid. name: Names are lowercase letters, digits and -. (and 1 more)');
  });

  it('is the message alone without problems, and the status when the answer is not the portal’s', () => {
    expect(errorMessage(res(403), { error: { code: 'FORBIDDEN', message: 'Only administrators.' } })).toBe('Only administrators.');
    expect(errorMessage(res(403), { error: { message: 'No.' }, errors: [] })).toBe('No.');
    expect(errorMessage(res(400), { error: { message: 'Bad.' }, errors: [{ message: 'no path here' }] })).toBe('Bad. no path here');
    expect(errorMessage(res(502, 'Bad Gateway'), undefined)).toBe('the portal answered 502 Bad Gateway');
  });
});
