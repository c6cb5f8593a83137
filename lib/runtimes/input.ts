// What an admin may enter for a runtime version.
import { z } from 'zod';

export const runtimeNameInput = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(63, 'At most 63 characters.')
  .regex(/^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/, 'Use lowercase letters, digits, "_", "-" and ".", starting and ending with a letter or digit.');

export const runtimeFieldsSchema = z.object({
  pythonVersion: z
    .string()
    .trim()
    .regex(/^3\.\d{1,2}(\.\d{1,3})?$/, 'A Python 3 version such as 3.10 or 3.11.4.'),
  gpu: z.boolean(),
  note: z.string().trim().max(200, 'At most 200 characters.'),
});

export const newRuntimeSchema = runtimeFieldsSchema.extend({ name: runtimeNameInput });

export const runtimeStatusInput = z.enum(['available', 'default', 'deprecated'], {
  error: 'Status is available, default or deprecated.',
});
