import { z } from 'zod';
import { apiHandler } from '@/lib/api/route';
import { accessSettings } from '@/lib/auth/viewer';
import { instanceManager } from '@/lib/instances/gateway';
import { getInstanceForLogs } from '@/lib/instances/store';

const logsQuery = z.object({ follow: z.string().optional() });

/** The kept log (about the last 5 MB); `?follow=1` keeps streaming new output until the client leaves. */
export const GET = apiHandler<'viewer', undefined, { id: string }, typeof logsQuery>({ access: 'viewer', query: logsQuery }, async ({ request, viewer, params, query }) => {
  const record = getInstanceForLogs(viewer, params.id, accessSettings());
  const logs = instanceManager().runner.logs(record.id);
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (query.follow !== '1') return new Response(await logs.read(), { headers });
  const abort = new AbortController();
  request.signal.addEventListener('abort', () => abort.abort());
  const encoder = new TextEncoder();
  const iterator = logs.follow(abort.signal)[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, { headers });
});
