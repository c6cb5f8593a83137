'use server';
// The app version actions of the edit panel, one module for the two pages that show it (/my-apps and
// /admin/apps), which hand them to the panel as props.

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formBoolean, formList, validatedAction } from '@/lib/actions/validated-action';
import { deleteAppVersionWithFiles, updateAppSettings } from '@/lib/apps/settings';
import { visibilitySchema } from '@/lib/apps/visibility';

// The app id comes from the form, so updateAppSettings/deleteAppVersion re-check that this viewer
// owns the app (or is an admin): calling the action with someone else's id is refused there.
const settingsSchema = z.object({
  appId: z.string().min(1),
  visibility: visibilitySchema,
  /** Present when the panel showed the tag choices; without it the app's tags are left alone. */
  tagsShown: z.preprocess(formBoolean, z.boolean()),
  tagIds: z.preprocess(formList, z.array(z.string().min(1)).max(200)),
});

function revalidateApps() {
  revalidatePath('/my-apps');
  revalidatePath('/admin/apps');
  revalidatePath('/admin/audit');
  revalidatePath('/', 'layout');
}

export const updateAppSettingsAction = validatedAction('viewer', settingsSchema, async (data, viewer) => {
  const app = updateAppSettings(viewer, data.appId, {
    visibility: data.visibility,
    tagIds: data.tagsShown ? data.tagIds : undefined,
  });
  revalidateApps();
  return { ok: true, message: `Saved ${app.title} ${app.version}.`, at: Date.now() };
});

export const deleteAppVersionAction = validatedAction('viewer', z.object({ appId: z.string().min(1) }), async (data, viewer) => {
  const deleted = await deleteAppVersionWithFiles(viewer, data.appId);
  revalidateApps();
  return { ok: true, message: `Deleted ${deleted.name} ${deleted.version}.`, at: Date.now() };
});
