// The runtime versions apps may name, for everyone (anonymous callers too): nothing here is sensitive.
import { apiHandler } from '@/lib/api/route';
import { listRuntimeVersions, toApiRuntimeVersion } from '@/lib/runtimes/catalog';

export const dynamic = 'force-dynamic';

export const GET = apiHandler({ access: 'anyone' }, async () => Response.json(listRuntimeVersions().map(toApiRuntimeVersion)));
