'use client';
// Screenshots as thumbnails; each opens a larger view in a modal dialog (Escape closes, arrow keys and
// buttons move between screenshots, focus returns to the thumbnail that opened it).
import { useRef, useState } from 'react';

export function ScreenshotGallery({ urls, title }: { urls: string[]; title: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const openers = useRef<(HTMLButtonElement | null)[]>([]);
  const [current, setCurrent] = useState(0);
  if (urls.length === 0) return null;

  const open = (index: number) => {
    setCurrent(index);
    dialog.current?.showModal();
  };
  const move = (delta: number) => setCurrent((i) => (i + delta + urls.length) % urls.length);

  return (
    <>
      <ul className="flex snap-x gap-3 overflow-x-auto pb-2" aria-label="Screenshots">
        {urls.map((url, index) => (
          <li key={url} className="shrink-0 snap-start">
            <button
              type="button"
              ref={(el) => {
                openers.current[index] = el;
              }}
              onClick={() => open(index)}
              className="block rounded-md border border-gray-300 bg-white p-1 hover:border-blue-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- served by our asset route */}
              <img src={url} alt={`${title}, screenshot ${index + 1} of ${urls.length}`} className="h-40 w-auto max-w-[18rem] rounded object-contain" loading="lazy" />
              <span className="sr-only"> (open larger view)</span>
            </button>
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        aria-label={`Screenshot ${current + 1} of ${urls.length}`}
        onClose={() => openers.current[current]?.focus()}
        onKeyDown={(event) => {
          if (event.key === 'ArrowRight') move(1);
          if (event.key === 'ArrowLeft') move(-1);
        }}
        onClick={(event) => {
          if (event.target === dialog.current) dialog.current?.close(); // click on the backdrop
        }}
        className="m-auto max-h-[95vh] max-w-[95vw] rounded-lg bg-white p-3 shadow-xl backdrop:bg-black/70"
      >
        <div className="flex flex-col items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- served by our asset route */}
          <img src={urls[current]} alt={`${title}, screenshot ${current + 1} of ${urls.length}`} className="max-h-[80vh] max-w-full object-contain" />
          <div className="flex items-center gap-3">
            {urls.length > 1 && (
              <button type="button" onClick={() => move(-1)} className="rounded-md border border-gray-300 px-3 py-1.5 text-sm hover:bg-gray-100">
                Previous
              </button>
            )}
            <span className="text-sm text-gray-700" aria-live="polite">
              {current + 1} / {urls.length}
            </span>
            {urls.length > 1 && (
              <button type="button" onClick={() => move(1)} className="rounded-md border border-gray-300 px-3 py-1.5 text-sm hover:bg-gray-100">
                Next
              </button>
            )}
            <button type="button" onClick={() => dialog.current?.close()} className="rounded-md bg-gray-900 px-3 py-1.5 text-sm text-white hover:bg-gray-700" autoFocus>
              Close
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
