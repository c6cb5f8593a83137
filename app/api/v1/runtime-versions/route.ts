// The runtime versions apps may name, for everyone (anonymous callers too): nothing here is sensitive.
import { apiRoute } from '@/lib/api/handler';
import { listRuntimeVersions, toApiRuntimeVersion } from '@/lib/runtimes/catalog';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async () => Response.json(listRuntimeVersions().map(toApiRuntimeVersion)));
