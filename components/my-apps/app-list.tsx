'use client';
// Apps grouped by Name with every version, each with its icon, visibility, tags and import date, and an
// Edit button that opens the edit panel. Used by My Apps and by the administrators' Apps page. On a phone
// each version is one compact row (icon, title, version, visibility, Edit); the tags move under it as chips.

import { useCallback, useRef, useState } from 'react';
import type { AppGroup, AppVersionListItem } from '@/lib/apps/read';
import type { TagOptions } from '@/lib/tags/tags';
import { formatUtc } from '@/lib/format';
import type { TagKind } from '@/lib/auth/policy';
import { TagChip } from '@/components/tags/tag-chip';
import { AppIcon } from '@/components/catalog/app-icon';
import { AppSettingsPanel, type AppVersionActions } from './app-settings-panel';
import { appUrl } from '@/lib/urls';

const KIND_LABELS: [TagKind, string][] = [
  ['category', 'Categories'],
  ['badge', 'Badges'],
  ['authorization', 'Authorization tags'],
];

const VISIBILITY_STYLE: Record<string, string> = {
  PRIVATE: 'bg-gray-200 text-gray-900',
  ALL_USERS: 'bg-blue-100 text-blue-900',
  PUBLIC: 'bg-green-100 text-green-900',
};

export interface AppListProps {
  groups: AppGroup[];
  options: TagOptions;
  publicMode: boolean;
  showTags: boolean;
  showOwner?: boolean;
  /** Opens the panel for this version on load (`?edit=<id>`), on this page or not; the page has checked it is editable. */
  initialEdit?: AppVersionListItem;
  emptyText: string;
  actions: AppVersionActions;
}

export function AppList({ groups, options, publicMode, showTags, showOwner = false, initialEdit, emptyText, actions }: AppListProps) {
  const [editingId, setEditingId] = useState<string | null>(initialEdit?.id ?? null);
  const opener = useRef<HTMLElement | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const editing = editingId
    ? (groups.flatMap((g) => g.versions).find((v) => v.id === editingId) ?? (initialEdit?.id === editingId ? initialEdit : undefined))
    : undefined;

  const open = (id: string, button: HTMLElement) => {
    opener.current = button;
    setEditingId(id);
  };
  const close = useCallback(() => {
    setEditingId(null);
    const target = opener.current ?? document.querySelector<HTMLElement>(`[data-edit-id="${editingId}"]`);
    requestAnimationFrame(() => target?.focus());
  }, [editingId]);
  const deleted = useCallback(() => {
    opener.current = listRef.current;
    setEditingId(null);
    requestAnimationFrame(() => listRef.current?.focus());
  }, []);

  return (
    <div ref={listRef} tabIndex={-1} className="space-y-6 outline-none">
      {groups.length === 0 && <p className="text-gray-700">{emptyText}</p>}
      {groups.map((group) => (
        <section key={group.name} aria-labelledby={`group-${group.name}`} className="rounded-lg border border-gray-200 bg-white" data-testid="app-group">
          <h2 id={`group-${group.name}`} className="border-b border-gray-200 px-3 py-2 text-base font-semibold break-all sm:px-4 sm:py-3 sm:text-lg">
            <code>{group.name}</code>
            <span className="ml-2 text-sm font-normal text-gray-700">
              {group.versions.length} {group.versions.length === 1 ? 'version' : 'versions'}
            </span>
          </h2>
          <ul className="divide-y divide-gray-200">
            {group.versions.map((v) => (
              <VersionItem key={v.id} version={v} showTags={showTags} showOwner={showOwner} onEdit={open} editing={editingId === v.id} />
            ))}
          </ul>
        </section>
      ))}
      {editing && (
        <AppSettingsPanel
          key={editing.id}
          app={editing}
          options={options}
          actions={actions}
          publicMode={publicMode}
          showTags={showTags}
          onClose={close}
          onDeleted={deleted}
        />
      )}
    </div>
  );
}

function VersionItem({
  version: v,
  showTags,
  showOwner,
  onEdit,
  editing,
}: {
  version: AppVersionListItem;
  showTags: boolean;
  showOwner: boolean;
  onEdit: (id: string, button: HTMLElement) => void;
  editing: boolean;
}) {
  return (
    <li className="flex items-start gap-3 px-3 py-2 sm:px-4 sm:py-3" data-testid="app-version" data-app-id={v.id}>
      <AppIcon url={v.icon} name={v.name} title={v.title} size={40} />
      <div className="min-w-0 flex-1 space-y-1">
        <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <a href={appUrl(v.name, v.version)} className="min-w-0 font-medium break-words text-blue-800 hover:underline">
            {v.title}
          </a>
          <span className="text-sm text-gray-800">{v.version}</span>
          <span className={`rounded px-2 text-xs font-medium ${VISIBILITY_STYLE[v.visibility]}`} data-testid="visibility">
            {v.visibility}
          </span>
        </p>
        {showTags && (
          <>
            <dl className="hidden gap-x-3 gap-y-1 text-sm sm:grid sm:grid-cols-[auto_1fr]">
              {KIND_LABELS.map(([kind, label]) => {
                const list = v.tags.filter((t) => t.kind === kind);
                return (
                  <div key={kind} className="contents">
                    <dt className="text-gray-700">{label}</dt>
                    <dd className="flex flex-wrap gap-1" data-testid={`tags-${kind}`}>
                      {list.length === 0 ? <span className="text-gray-600">none</span> : list.map((t) => <TagChip key={t.id} tag={t} />)}
                    </dd>
                  </div>
                );
              })}
            </dl>
            {v.tags.length > 0 && (
              <p className="flex flex-wrap gap-1 sm:hidden" aria-label="Tags" data-testid="tags-compact">
                {v.tags.map((t) => (
                  <TagChip key={t.id} tag={t} />
                ))}
              </p>
            )}
          </>
        )}
        <p className="text-xs break-words text-gray-700">
          Imported {formatUtc(v.importedAt)}
          {showOwner && (
            <>
              {' '}
              by {v.owner.name} <span className="text-gray-600">({v.owner.email})</span>
            </>
          )}
        </p>
      </div>
      <button
        type="button"
        aria-label={`Edit ${v.title} ${v.version}`}
        aria-haspopup="dialog"
        aria-expanded={editing}
        data-edit-id={v.id}
        onClick={(e) => onEdit(v.id, e.currentTarget)}
        className="inline-flex h-10 shrink-0 items-center justify-center gap-1.5 rounded-md border border-gray-400 bg-white px-3 text-sm font-medium text-gray-900 hover:bg-gray-100"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
          <path d="M13.6 2.6a2 2 0 0 1 2.8 0l1 1a2 2 0 0 1 0 2.8l-9.7 9.7-4.2 1.2a.6.6 0 0 1-.8-.8l1.2-4.2 9.7-9.7Zm-8.3 10.3-.6 2.2 2.2-.6 7.7-7.7-1.6-1.6-7.7 7.7Z" />
        </svg>
        <span>Edit</span>
      </button>
    </li>
  );
}
