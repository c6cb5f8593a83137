'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { validatedAction } from '@/lib/actions/validated-action';
import { importStagedBundle } from '@/lib/apps/import';
import { claimUpload } from '@/lib/apps/uploads';
import { appUrl } from '@/lib/urls';

/** Imports a bundle the form uploaded to /api/v1/uploads; the viewer comes from the session only. */
export const importUploadAction = validatedAction(
  'fullAccess',
  z.object({ uploadId: z.string().min(1, 'Upload the bundle first.'), visibility: z.string().optional() }),
  async ({ uploadId, visibility }, viewer) => {
    const staged = await claimUpload(viewer.id, uploadId);
    const { app } = await importStagedBundle(viewer, staged, { visibility });
    revalidatePath('/my-apps');
    redirect(appUrl(app.name, app.version));
  },
);
