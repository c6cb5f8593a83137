import { AUTH_FORM_MAX_BYTES, withBodyCap } from '@/lib/api/body';
import { handlers } from '@/lib/auth/next-auth';
import { withSignInFailureCodes } from '@/lib/auth/oidc-errors';
import { config } from '@/lib/config';

/** With single sign-on on, Auth.js sees every request under PUBLIC_URL (the redirect URI registered at the provider). */
const ssoBase = () => (config().oidc ? config().publicUrl : null);

export const GET = withSignInFailureCodes(handlers.GET, ssoBase);
/** Sign-in and sign-out forms are small: the body is cut at its cap before Auth.js parses it. */
export const POST = withBodyCap(withSignInFailureCodes(handlers.POST, ssoBase), AUTH_FORM_MAX_BYTES);
