// The Import app form's upload: the bundle streamed to /api/v1/uploads with progress and a way to cancel,
// and the guard that asks before the page is left while a bundle is uploaded or imported.
import { useEffect } from 'react';

/** `done`: every byte sent and the server answered (the upload request is over). */
export type Upload = { sent: number; total: number; done: boolean } | null;

export class UploadCancelled extends Error {}

/** Streams the file to /api/v1/uploads; `abort` cancels it (the promise then rejects with UploadCancelled). */
export function uploadFile(file: File, onProgress: (sent: number, total: number) => void): { done: Promise<string>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<string>((resolve, reject) => {
    xhr.open('POST', '/api/v1/uploads');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: { uploadId?: string; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: fall through to the generic message
      }
      if (xhr.status === 201 && body.uploadId) resolve(body.uploadId);
      else reject(new Error(body.error?.message ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
    xhr.onabort = () => reject(new UploadCancelled('Upload cancelled: nothing was imported.'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * While `busy`, leaving loses the upload or import: the browser asks first (closing, reloading, typing an
 * address), and so does a click on one of the portal's links, which navigates without unloading the page.
 */
export function useLeaveGuard(busy: boolean): void {
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = ''; // older browsers need it set to show the prompt
    };
    const confirmLeaving = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (link.getAttribute('target') === '_blank' || link.hasAttribute('download')) return;
      if (!window.confirm('The bundle is still being uploaded or imported. Leave this page and stop it?')) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', warn);
    document.addEventListener('click', confirmLeaving, true);
    return () => {
      window.removeEventListener('beforeunload', warn);
      document.removeEventListener('click', confirmLeaving, true);
    };
  }, [busy]);
}
