import { apiHandler } from '@/lib/api/route';
import { canReadInstanceLogs } from '@/lib/auth/instance-policy';
import { accessSettings } from '@/lib/auth/viewer';
import { forbidden } from '@/lib/errors';
import { instanceManager } from '@/lib/instances/gateway';
import { factsOf, getInstance } from '@/lib/instances/store';

/** The kept log (about the last 5 MB); `?follow=1` keeps streaming new output until the client leaves. */
export const GET = apiHandler<'viewer', undefined, { id: string }>({ access: 'viewer' }, async ({ request, viewer, params }) => {
  const record = getInstance(viewer, params.id, accessSettings());
  if (!canReadInstanceLogs(viewer, factsOf(record))) throw forbidden('Only the instance owner, the app owner and administrators read logs.');
  const logs = instanceManager().runner.logs(record.id);
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (new URL(request.url).searchParams.get('follow') !== '1') return new Response(await logs.read(), { headers });
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
