'use client';
// Administrators' tag forms: create, edit (name, title, description, colour, category, roles), delete.

import { useActionState, useState } from 'react';
import type { ActionState, FieldErrors, FormAction } from '@/lib/actions/validated-action';
import { useKeptForm } from '@/components/forms/use-kept-form';
import { dangerButtonClass, FieldError, FormMessage, secondaryButtonClass, SubmitRow, TextField } from '@/components/ui/field';
import type { TagView } from '@/lib/tags/tags';
import { TagChip } from './tag-chip';

/** What the forms edit of a tag (the read model's TagView). */
export type EditableTag = Pick<TagView, 'id' | 'name' | 'title' | 'description' | 'color' | 'isCategory' | 'adminRoles' | 'visitorRoles'>;

const BLANK: EditableTag = {
  id: '',
  name: '',
  title: '',
  description: '',
  color: '#4b5563',
  isCategory: false,
  adminRoles: [],
  visitorRoles: [],
};

function TagFields({ tag, errors, prefix }: { tag: EditableTag; errors: FieldErrors; prefix: string }) {
  const [color, setColor] = useState(tag.color);
  const [title, setTitle] = useState(tag.title);
  return (
    <>
      <TextField label="Name" name="name" defaultValue={tag.name} required hint="As written in app.toml Tags" errors={errors.name} id={`${prefix}-name`} />
      <TextField label="Title" name="title" defaultValue={tag.title} required errors={errors.title} id={`${prefix}-title`} onChange={(e) => setTitle(e.target.value)} />
      <div className="sm:col-span-2">
        <TextField label="Description" name="description" defaultValue={tag.description} errors={errors.description} id={`${prefix}-description`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-color`} className="block text-sm font-medium text-gray-800">
          Colour
        </label>
        <div className="mt-1 flex items-center gap-3">
          <input
            id={`${prefix}-color`}
            name="color"
            type="color"
            value={color}
            onChange={(e) => setColor(e.target.value)}
            aria-describedby={`${prefix}-color-error`}
            className="h-10 w-16 rounded border border-gray-400 bg-white"
          />
          <span className="text-sm text-gray-700">
            <code>{color}</code> · preview <TagChip tag={{ name: tag.name, title: title || 'Tag', color }} />
          </span>
        </div>
        <FieldError id={`${prefix}-color-error`} errors={errors.color} />
      </div>
      <label className="flex items-center gap-2 self-center text-sm">
        <input type="checkbox" name="isCategory" defaultChecked={tag.isCategory} /> Category (filterable on the catalog)
      </label>
      <TextField
        label="Admin roles"
        name="adminRoles"
        defaultValue={tag.adminRoles.join(', ')}
        hint="Roles that may assign or remove it; empty: any full-access user"
        errors={errors.adminRoles}
        id={`${prefix}-admin-roles`}
      />
      <TextField
        label="Visitor roles"
        name="visitorRoles"
        defaultValue={tag.visitorRoles.join(', ')}
        hint="Visitors with one of these roles see apps carrying it (makes it an authorization tag)"
        errors={errors.visitorRoles}
        id={`${prefix}-visitor-roles`}
      />
    </>
  );
}

export function CreateTagForm({ createTag }: { createTag: FormAction }) {
  const { state, onSubmit, pending, errors, formRef, resetKey } = useKeptForm(createTag);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" key={resetKey} aria-label="New tag">
      <TagFields tag={BLANK} errors={errors} prefix="new-tag" />
      <SubmitRow label="Create tag" pending={pending} state={state} className="sm:col-span-2" />
    </form>
  );
}

export function EditTagForm({ tag, updateTag }: { tag: EditableTag; updateTag: FormAction }) {
  const { state, onSubmit, pending, errors, formRef } = useKeptForm(updateTag);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-2" aria-label={`Edit ${tag.name}`}>
      <input type="hidden" name="id" value={tag.id} />
      <TagFields tag={tag} errors={errors} prefix={`tag-${tag.id}`} />
      <SubmitRow label="Save" pending={pending} state={state} className="sm:col-span-2" />
    </form>
  );
}

export function DeleteTagForm({ tag, appCount, deleteTag }: { tag: { id: string; name: string }; appCount: number; deleteTag: FormAction }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(deleteTag, null);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(true)}>
        Delete {tag.name}
      </button>
    );
  }
  return (
    <form action={action} className="space-y-2" role="alertdialog" aria-labelledby={`confirm-${tag.id}`}>
      <input type="hidden" name="id" value={tag.id} />
      <p id={`confirm-${tag.id}`} className="text-sm">
        Delete <strong>{tag.name}</strong>? It is removed from {appCount === 1 ? '1 app' : `${appCount} apps`}. This cannot be undone.
      </p>
      <div className="flex gap-3">
        <button type="submit" className={dangerButtonClass} disabled={pending} autoFocus>
          Yes, delete {tag.name}
        </button>
        <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(false)}>
          Keep it
        </button>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
