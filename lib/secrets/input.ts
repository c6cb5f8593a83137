// What a secret may be made of: names and keys as Kubernetes stores them, bounded values.
import { z } from 'zod';
import { labelProblem } from '@/lib/manifest/fields';
import { secretKeyProblem, secretNameProblem } from '@/lib/manifest/secrets';

export const MAX_VALUE_BYTES = 64 * 1024;
export const MAX_KEYS = 100;

const withProblem = (problem: (s: string) => string | null) =>
  z.string().superRefine((s, ctx) => {
    const message = problem(s);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

export const secretNameInput = z.string().trim().min(1, 'Enter a secret name.').pipe(withProblem(secretNameProblem));
export const secretKeyInput = z.string().trim().min(1, 'Enter a key.').pipe(withProblem(secretKeyProblem));
// Never echo the value itself in a message: only its size.
export const secretValueInput = z
  .string({ error: 'Values are strings.' })
  .refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_VALUE_BYTES, {
    message: `A value may hold at most ${MAX_VALUE_BYTES / 1024} KiB.`,
  });
export const appNameInput = z.string().trim().min(1, 'Enter the app Name.').pipe(withProblem((s) => labelProblem('App name', s)));
export const secretVisibilityInput = z.enum(['PRIVATE', 'ALL_USERS', 'APP'], {
  error: 'Visibility is PRIVATE, ALL_USERS or APP.',
});

const valueMap = z
  .record(withProblem(secretKeyProblem), secretValueInput, {
    // Say why the key is refused rather than zod's generic "Invalid key in record".
    error: (issue) =>
      issue.code === 'invalid_key' ? (issue.issues as { message: string }[] | undefined)?.[0]?.message : undefined,
  })
  .refine((values) => Object.keys(values).length <= MAX_KEYS, `A secret holds at most ${MAX_KEYS} keys.`);

export const newSecretSchema = z
  .object({
    name: secretNameInput,
    visibility: secretVisibilityInput.default('PRIVATE'),
    appName: appNameInput.optional(),
    values: valueMap.refine((v) => Object.keys(v).length > 0, 'Give the secret at least one key and value.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.visibility === 'APP' && !s.appName) {
      ctx.addIssue({ code: 'custom', path: ['appName'], message: 'An APP secret belongs to an app: give its Name.' });
    }
    if (s.visibility !== 'APP' && s.appName) {
      ctx.addIssue({ code: 'custom', path: ['appName'], message: 'Only APP secrets belong to an app Name.' });
    }
  });
export type NewSecretInput = z.infer<typeof newSecretSchema>;

export const secretPatchSchema = z
  .object({
    set: valueMap.optional().default({}),
    remove: z.array(secretKeyInput).max(MAX_KEYS).optional().default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const key of p.remove) {
      if (Object.hasOwn(p.set, key)) {
        ctx.addIssue({ code: 'custom', path: ['remove'], message: `Key "${key}" is both set and removed.` });
      }
    }
    if (Object.keys(p.set).length === 0 && p.remove.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['set'], message: 'Nothing to change: give keys to set or to remove.' });
    }
  });
export type SecretPatch = z.infer<typeof secretPatchSchema>;
