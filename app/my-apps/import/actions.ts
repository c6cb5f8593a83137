'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { importStagedBundle, type ImportedApp } from '@/lib/apps/import';
import { claimUpload } from '@/lib/apps/uploads';

/** Imports a bundle the form uploaded to /api/v1/uploads; the viewer comes from the session only. */
export const importUploadAction = validatedAction<z.ZodType<{ uploadId: string; visibility?: string }>, ImportedApp>(
  'fullAccess',
  z.object({ uploadId: z.string().min(1, 'Upload the bundle first.'), visibility: z.string().optional() }),
  async ({ uploadId, visibility }, viewer) => {
    const staged = await claimUpload(viewer.id, uploadId);
    const { app, warnings } = await importStagedBundle(viewer, staged, { visibility });
    revalidatePath('/my-apps');
    revalidatePath('/');
    // The form stays on the page so that the warnings (unknown tags, legacy keys, no icon…) are read.
    const data: ImportedApp = { id: app.id, name: app.name, version: app.version, title: app.title, visibility: app.visibility };
    return { ok: true, message: `Imported ${app.title} ${app.version} as ${app.visibility}`, data, warnings, at: Date.now() };
  },
);
