'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { importStagedBundle } from '@/lib/apps/import';
import { claimUpload } from '@/lib/apps/uploads';
import { canImportApps } from '@/lib/auth/policy';
import { getViewer } from '@/lib/auth/viewer';
import { AppError, type Problem } from '@/lib/errors';

export type ImportState = { message: string; errors: Problem[]; warnings: Problem[]; at: number } | null;

/** Imports a bundle the form uploaded to /api/v1/uploads; the viewer comes from the session only. */
export async function importUploadAction(_prev: ImportState, formData: FormData): Promise<ImportState> {
  const viewer = await getViewer();
  const refuse = (message: string, errors: Problem[] = [], warnings: Problem[] = []) => ({ message, errors, warnings, at: Date.now() });
  if (!viewer) return refuse('Your session has ended. Sign in again.');
  if (!canImportApps(viewer)) return refuse('Your account has visitor access only: importing apps needs full access.');
  let target: string;
  try {
    const staged = await claimUpload(viewer.id, String(formData.get('uploadId') ?? ''));
    const { app } = await importStagedBundle(viewer, staged, { visibility: formData.get('visibility') });
    target = `/apps/${encodeURIComponent(app.name)}/${encodeURIComponent(app.version)}`;
  } catch (error) {
    if (error instanceof AppError) return refuse(error.message, error.errors, error.warnings);
    throw error;
  }
  revalidatePath('/my-apps');
  redirect(target);
}
