// app.toml: parse it, judge it against the platform's rules, and describe it as a Manifest.
export { validateManifest } from './validate';
export { isSecretKey, isSecretName } from './secrets';
export type { InstanceLifecycle, Manifest, Problem, ValidateOptions, ValidationResult } from './types';
export type { ManifestDraft } from './draft';
