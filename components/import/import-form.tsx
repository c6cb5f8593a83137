'use client';
// The Import app form: the bundle streams to /api/v1/uploads with real progress, then the server
// action imports the staged file and either confirms it (with every warning and the next steps) or lists
// every problem.

import { startTransition, useActionState, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import type { ActionState } from '@/lib/actions/validated-action';
import type { ImportedApp } from '@/lib/apps/import';
import { appUrl } from '@/lib/urls';
import { formatBytes } from '@/lib/format';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';
import { selectableVisibilities, VISIBILITY_CHOICES } from '@/lib/apps/visibility';
import { uploadFile, useLeaveGuard, type Upload } from './upload';


type State = ActionState<ImportedApp>;

export function ImportForm({ publicMode, action }: { publicMode: boolean; action: (state: State, data: FormData) => Promise<State> }) {
  const [state, dispatch, importing] = useActionState<State, FormData>(action, null);
  const imported = state?.ok && state.data ? { app: state.data, message: state.message ?? '', warnings: state.warnings ?? [] } : null;
  const failure = state && !state.ok ? { message: state.message, errors: state.errors ?? [], warnings: state.warnings ?? [], link: state.link } : null;
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<Upload>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const abortUpload = useRef<(() => void) | null>(null);
  const uploading = upload !== null && !upload.done;
  const busy = importing || uploading;

  // Leaving mid-upload or mid-import loses it: the browser asks first.
  useLeaveGuard(busy);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setUploadError(null);
    if (!file) {
      setUploadError('Choose a .wave bundle to import.');
      input.current?.focus();
      return;
    }
    setUpload({ sent: 0, total: file.size, done: false });
    let uploadId: string;
    const started = uploadFile(file, (sent, total) => setUpload({ sent, total, done: false }));
    abortUpload.current = started.abort;
    try {
      uploadId = await started.done;
    } catch (error) {
      setUpload(null);
      setUploadError((error as Error).message);
      return;
    } finally {
      abortUpload.current = null;
    }
    setUpload((u) => (u ? { ...u, sent: u.total, done: true } : u));
    const data = new FormData();
    data.set('uploadId', uploadId);
    data.set('visibility', String(new FormData(form).get('visibility') ?? 'PRIVATE'));
    startTransition(() => dispatch(data));
  }

  function onDrop(event: React.DragEvent) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped && input.current) {
      const transfer = new DataTransfer();
      transfer.items.add(dropped);
      input.current.files = transfer.files;
      setFile(dropped);
    }
  }

  const problems = failure && (failure.errors.length > 0 || failure.message);
  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
        className={`rounded-lg border-2 border-dashed p-6 text-center ${dragging ? 'border-blue-700 bg-blue-50' : 'border-gray-400 bg-white'}`}
      >
        <label htmlFor="bundle" className="block font-medium">
          Bundle
        </label>
        <p id="bundle-hint" className="mb-3 text-sm text-gray-700">
          Drop a <code>.wave</code> file here, or choose one. Build it with <code>appstore bundle</code>.
        </p>
        <input
          ref={input}
          id="bundle"
          name="bundle"
          type="file"
          accept=".wave,.zip,application/zip"
          aria-describedby="bundle-hint upload-error"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          className="mx-auto block text-sm"
        />
        {file && <p className="mt-2 text-sm text-gray-800">{`${file.name} (${formatBytes(file.size)})`}</p>}
      </div>

      <div>
        <label htmlFor="visibility" className="block text-sm font-medium">
          Visibility
        </label>
        <select id="visibility" name="visibility" defaultValue="PRIVATE" className="mt-1 block w-full max-w-full rounded-md border border-gray-400 bg-white px-3 py-2">
          {VISIBILITY_CHOICES.filter((v) => selectableVisibilities(null, publicMode).includes(v.value)).map((v) => (
            <option key={v.value} value={v.value}>
              {v.label} ({v.hint.replace(/\.$/, '')})
            </option>
          ))}
        </select>
        <p className="mt-1 text-xs text-gray-700">Import privately, test, then publish from My Apps.</p>
      </div>

      {upload && (
        <div>
          <progress
            aria-label="Upload progress"
            max={upload.total || 1}
            value={upload.sent}
            className="h-2 w-full"
          />
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm text-gray-800" aria-live="polite" data-testid="upload-progress">
              {upload.sent < upload.total
                ? `Uploading: ${formatBytes(upload.sent)} of ${formatBytes(upload.total)} sent`
                : !upload.done
                  ? `${formatBytes(upload.total)} sent. Waiting for the server…`
                  : importing
                    ? `${formatBytes(upload.total)} sent. Checking and importing…`
                    : `${formatBytes(upload.total)} sent.`}
            </p>
            {uploading && (
              <button type="button" className={secondaryButtonClass} onClick={() => abortUpload.current?.()}>
                Cancel upload
              </button>
            )}
          </div>
        </div>
      )}

      <p id="upload-error" role="alert" className="text-sm text-red-700">
        {uploadError}
      </p>

      {problems && (
        <section role="alert" aria-labelledby="import-problems" className="rounded-md border border-red-300 bg-red-50 p-4">
          <h2 id="import-problems" className="font-semibold text-red-900">
            The bundle was not imported
          </h2>
          <p className="text-sm text-red-900">{failure.message}</p>
          {failure.link && (
            <p className="mt-1 text-sm">
              <Link prefetch={false} href={failure.link.href} className="font-medium text-red-900 underline">
                {failure.link.label}
              </Link>
            </p>
          )}
          {failure.errors.length > 0 && (
            <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-red-900" data-testid="import-errors">
              {failure.errors.map((p, i) => (
                <li key={i}>
                  <code className="font-semibold">{p.path}</code>: {p.message}
                  {p.link && (
                    <>
                      {' '}
                      <Link prefetch={false} href={p.link.href} className="font-medium underline">
                        {p.link.label}
                      </Link>
                    </>
                  )}
                  {p.excerpt && (
                    <pre className="mt-1 overflow-x-auto rounded bg-white p-2 text-xs text-gray-900" data-testid="problem-excerpt">
                      {p.excerpt}
                    </pre>
                  )}
                </li>
              ))}
            </ul>
          )}
          {failure.warnings.length > 0 && (
            <>
              <h3 className="mt-3 text-sm font-semibold text-gray-900">Warnings</h3>
              <ul className="list-disc space-y-1 pl-5 text-sm text-gray-900">
                {failure.warnings.map((p, i) => (
                  <li key={i}>
                    <code>{p.path}</code>: {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      {imported && !importing && <ImportedPanel {...imported} />}

      <button type="submit" className={buttonClass} disabled={busy}>
        {busy ? 'Importing…' : 'Import'}
      </button>
    </form>
  );
}

/** The confirmation after an import: what was imported, every warning, and the next steps. */
function ImportedPanel({ app, message, warnings }: { app: ImportedApp; message: string; warnings: { path: string; message: string }[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [app.id]);
  return (
    <section aria-labelledby="import-done" data-testid="import-done" className="rounded-md border border-green-300 bg-green-50 p-4 text-green-950">
      <h2 id="import-done" ref={heading} tabIndex={-1} className="font-semibold">
        {message}
      </h2>
      {warnings.length > 0 ? (
        <>
          <h3 className="mt-3 text-sm font-semibold">{warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}</h3>
          <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="import-warnings">
            {warnings.map((p, i) => (
              <li key={i}>
                <code>{p.path}</code>: {p.message}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="mt-1 text-sm">No warnings.</p>
      )}
      <h3 className="mt-3 text-sm font-semibold">Next steps</h3>
      <ul className="mt-1 flex flex-wrap gap-3 text-sm">
        <li>
          <Link prefetch={false} href={appUrl(app.name, app.version)} className="text-blue-800 underline">
            Open the app&apos;s page
          </Link>
        </li>
        <li>
          <Link prefetch={false} href={`/my-apps?edit=${encodeURIComponent(app.id)}`} className="text-blue-800 underline">
            Publish and add tags
          </Link>
        </li>
        <li>
          <Link prefetch={false} href="/my-apps" className="text-blue-800 underline">
            Open My Apps
          </Link>
        </li>
      </ul>
    </section>
  );
}
