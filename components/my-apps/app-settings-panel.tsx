'use client';
// The side panel that edits one app version: visibility, categories, badges, authorization tags,
// and deleting the version. A modal <dialog>: focus moves in, Escape closes, the opener gets focus back.

import { useActionState, useEffect, useId, useRef, useState } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/validated-action';

/** The panel's actions (lib/apps/actions.ts), handed down by the page. */
export interface AppVersionActions {
  update: FormAction;
  delete: FormAction<DeleteVersionData>;
}
import type { DeleteVersionData } from '@/lib/apps/actions';
import type { AppVersionListItem } from '@/lib/apps/read';
import type { TagOption, TagOptions } from '@/lib/tags/tags';
import type { TagKind } from '@/lib/auth/policy';
import { selectableVisibilities, VISIBILITY_CHOICES } from '@/lib/apps/visibility';
import { dangerButtonClass, FieldError, FormMessage, secondaryButtonClass, SubmitRow } from '@/components/ui/field';
import { TagChip } from '@/components/tags/tag-chip';

const KINDS: { kind: TagKind; legend: string; empty: string }[] = [
  { kind: 'category', legend: 'Categories', empty: 'No categories exist yet.' },
  { kind: 'badge', legend: 'Badges', empty: 'No badges exist yet.' },
  { kind: 'authorization', legend: 'Authorization tags', empty: 'No authorization tags exist yet.' },
];

export interface PanelProps {
  app: AppVersionListItem;
  options: TagOptions;
  publicMode: boolean;
  showTags: boolean;
  onClose: () => void;
  onDeleted: () => void;
  actions: AppVersionActions;
}

export function AppSettingsPanel({ app, options, publicMode, showTags, onClose, onDeleted, actions }: PanelProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const [state, action, pending] = useActionState<ActionState, FormData>(actions.update, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const [confirming, setConfirming] = useState(false);
  const [deleteState, deleteAction, deleting] = useActionState<ActionState<DeleteVersionData>, FormData>(actions.delete, null);
  // Set when the portal refused because the version has instances: they are listed for a second confirmation.
  const running = deleteState && !deleteState.ok ? deleteState.data?.instances : undefined;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  useEffect(() => {
    if (deleteState?.ok) onDeleted();
  }, [deleteState, onDeleted]);

  const label = `${app.title} ${app.version}`;
  const selectable = selectableVisibilities(app.visibility, publicMode);
  const visibilities = VISIBILITY_CHOICES.filter((v) => selectable.includes(v.value));
  const selected = new Set(app.tags.map((t) => t.id));

  return (
    <dialog
      ref={dialog}
      aria-labelledby={headingId}
      onClose={onClose}
      className="fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-md overflow-y-auto border-l border-gray-300 bg-white p-0 text-gray-900 shadow-2xl backdrop:bg-black/40"
    >
      <div className="flex items-start justify-between gap-3 border-b border-gray-200 p-4">
        <div>
          <h2 id={headingId} className="text-lg font-semibold">
            Edit {label}
          </h2>
          <p className="text-sm text-gray-700">
            <code>{app.name}</code> · owner {app.owner.name}
          </p>
        </div>
        <button type="button" className={secondaryButtonClass} onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>

      <form action={action} className="space-y-5 p-4" aria-label={`Settings of ${label}`}>
        <input type="hidden" name="appId" value={app.id} />
        <fieldset aria-describedby="panel-visibility-error">
          <legend className="text-sm font-semibold">Visibility</legend>
          <div className="mt-2 space-y-2">
            {visibilities.map((v) => (
              <label key={v.value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="visibility" value={v.value} defaultChecked={app.visibility === v.value} className="mt-1" />
                <span>
                  <span className="font-medium">{v.label}</span> <code className="text-xs text-gray-700">{v.value}</code>
                  <span className="block text-xs text-gray-700">{v.hint}</span>
                </span>
              </label>
            ))}
          </div>
          <FieldError id="panel-visibility-error" errors={errors.visibility} />
        </fieldset>

        {showTags && (
          <>
            <input type="hidden" name="tagsShown" value="true" />
            {KINDS.map(({ kind, legend, empty }) => (
              <TagChoices key={kind} legend={legend} empty={empty} tags={options[kind]} selected={selected} />
            ))}
            <FieldError id="panel-tags-error" errors={errors.tagIds} />
          </>
        )}

        <SubmitRow label={pending ? 'Saving…' : 'Save'} pending={pending} state={state} />
      </form>

      <section aria-label="Delete this version" className="border-t border-gray-200 p-4">
        {!confirming ? (
          <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(true)}>
            Delete this version
          </button>
        ) : (
          <form action={deleteAction} className="space-y-3" role="alertdialog" aria-labelledby={`${headingId}-confirm`}>
            <input type="hidden" name="appId" value={app.id} />
            <p id={`${headingId}-confirm`} className="text-sm">
              Delete <strong>{label}</strong>? It disappears from the store for everyone. This cannot be undone.
            </p>
            {running ? (
              <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="delete-instances">
                <p role="alert">{deleteState && !deleteState.ok ? deleteState.message : ''}</p>
                <ul className="list-disc space-y-1 pl-5 break-all">
                  {running.map((i) => (
                    <li key={i.id}>
                      <a href={i.page} className="text-blue-800 underline">
                        Instance {i.id}
                      </a>{' '}
                      · {i.status} · started by {i.owner}
                    </li>
                  ))}
                </ul>
                <input type="hidden" name="force" value="true" />
              </div>
            ) : null}
            <div className="flex flex-wrap gap-3">
              <button type="submit" className={dangerButtonClass} disabled={deleting} autoFocus>
                {running ? `Delete ${app.version}; ${running.length === 1 ? 'its instance keeps' : 'they keep'} running` : `Yes, delete ${app.version}`}
              </button>
              <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
            {!running && <FormMessage state={deleteState && !deleteState.ok ? deleteState : null} />}
          </form>
        )}
      </section>
    </dialog>
  );
}

function TagChoices({ legend, empty, tags, selected }: { legend: string; empty: string; tags: TagOption[]; selected: Set<string> }) {
  return (
    <fieldset>
      <legend className="text-sm font-semibold">{legend}</legend>
      {tags.length === 0 ? (
        <p className="mt-1 text-sm text-gray-700">{empty}</p>
      ) : (
        <ul className="mt-2 space-y-1">
          {tags.map((t) => (
            <li key={t.id}>
              <label className={`flex items-center gap-2 text-sm ${t.assignable ? '' : 'text-gray-700'}`}>
                {/* A disabled box is not submitted; the server keeps tags the viewer may not assign anyway. */}
                <input type="checkbox" name="tagIds" value={t.id} defaultChecked={selected.has(t.id)} disabled={!t.assignable} />
                <TagChip tag={t} />
                {!t.assignable && <span className="text-xs">(assigned by {t.adminRoles.join(', ')})</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
