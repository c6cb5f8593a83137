import { AUTH_FORM_MAX_BYTES, withBodyCap } from '@/lib/api/body';
import { handlers } from '@/lib/auth/next-auth';
import { withSignInFailureCodes } from '@/lib/auth/oidc-errors';

export const GET = withSignInFailureCodes(handlers.GET);
/** Sign-in and sign-out forms are small: the body is cut at its cap before Auth.js parses it. */
export const POST = withBodyCap(withSignInFailureCodes(handlers.POST), AUTH_FORM_MAX_BYTES);
