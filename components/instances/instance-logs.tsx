'use client';
// The instance's log, streamed live from the API while the page is open.
import { useEffect, useRef, useState } from 'react';

const KEEP_CHARS = 200_000;

export function InstanceLogs({ instanceId }: { instanceId: string }) {
  const [text, setText] = useState('');
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const response = await fetch(`/api/v1/instances/${instanceId}/logs?follow=1`, { signal: abort.signal }).catch(() => null);
      if (!response?.ok || !response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        setText((t) => (t + value).slice(-KEEP_CHARS));
      }
    })();
    return () => abort.abort();
  }, [instanceId]);

  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);

  return (
    <pre
      ref={box}
      tabIndex={0}
      aria-label="Instance log"
      data-testid="instance-log"
      className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-gray-900 p-3 text-xs text-gray-100"
    >
      {text || 'No output yet.'}
    </pre>
  );
}
