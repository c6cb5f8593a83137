import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { authenticate, clientAddressOf } from '@/lib/auth/credentials';
import { issueToken } from '@/lib/auth/tokens';
import { AppError } from '@/lib/errors';

const body = z.object({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(200),
  name: z.string().max(100).optional(),
});

/** The CLI's sign-in: e-mail and password in, a personal API token out (shown once). */
export const POST = apiHandler({ access: 'anyone', body, invalid: 'Send {"email", "password"}.' }, async ({ request, body }) => {
  const result = await authenticate(body.email, body.password, clientAddressOf(request.headers));
  if (!result.ok) {
    if (result.reason === 'throttled') {
      return Response.json(
        { error: { code: 'RATE_LIMITED', message: result.message } },
        { status: 429, headers: { 'Retry-After': String(Math.ceil(result.retryAfterMs / 1000)) } },
      );
    }
    throw new AppError('UNAUTHENTICATED', 'Wrong e-mail or password.');
  }
  const { id, token } = issueToken(result.user.id, body.name ?? 'API token');
  return Response.json({ id, token, user: { id: result.user.id, email: result.user.email, name: result.user.name } }, { status: 201 });
});
