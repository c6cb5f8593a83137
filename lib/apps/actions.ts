'use server';
// The app version actions of the edit panel, one module for the two pages that show it (/my-apps and
// /admin/apps), which hand them to the panel as props.

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formBoolean, formList, validatedAction } from '@/lib/actions/validated-action';
import { deleteAppVersionWithFiles, updateAppSettings, type InstanceOfVersion } from '@/lib/apps/settings';
import { AppError } from '@/lib/errors';
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

export interface DeleteVersionData {
  /** The version's instances, when deleting it needs a confirmation that they keep running. */
  instances: InstanceOfVersion[];
}

const deleteSchema = z.object({ appId: z.string().min(1), force: z.preprocess(formBoolean, z.boolean()) });

export const deleteAppVersionAction = validatedAction<typeof deleteSchema, DeleteVersionData>('viewer', deleteSchema, async (data, viewer) => {
  try {
    const deleted = await deleteAppVersionWithFiles(viewer, data.appId, { force: data.force });
    revalidateApps();
    const kept = deleted.instances.length;
    return {
      ok: true,
      message: `Deleted ${deleted.name} ${deleted.version}.${kept ? ` Its ${kept === 1 ? 'instance keeps' : `${kept} instances keep`} running.` : ''}`,
      at: Date.now(),
    };
  } catch (error) {
    const instances = error instanceof AppError ? (error.details.instances as InstanceOfVersion[] | undefined) : undefined;
    if (!instances) throw error;
    return { ok: false, message: (error as AppError).message, fieldErrors: {}, data: { instances }, at: Date.now() };
  }
});
