// Where instances live, from the configuration: the app domain, the BASE_URL origin and the scheme.
import { appsDomain, appsOrigin, publicUrl } from '@/lib/config';
import type { RouterSettings } from '@/lib/router/routes';

export function routerSettings(): RouterSettings {
  return { appsDomain: appsDomain(), baseOrigin: appsOrigin(), appsScheme: publicUrl().startsWith('https:') ? 'https' : 'http' };
}
