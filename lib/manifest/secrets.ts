// Names of secrets and of the keys inside them, as Kubernetes stores them; secrets management reuses these.

const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[A-Za-z0-9._-]+$/;
export const SECRET_NAME_MAX_LENGTH = 63;
export const SECRET_KEY_MAX_LENGTH = 253;

/** A secret name: at most 63 lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending alphanumeric. */
export function isSecretName(s: string): boolean {
  return s.length <= SECRET_NAME_MAX_LENGTH && SECRET_NAME.test(s);
}

/** A key within a secret: at most 253 of `A-Z a-z 0-9 . _ -`; `.` and `..` alone are refused as Kubernetes does. */
export function isSecretKey(s: string): boolean {
  return s.length <= SECRET_KEY_MAX_LENGTH && SECRET_KEY.test(s) && s !== '.' && s !== '..';
}

/** Why `s` is not a secret name, or null when it is one. */
export function secretNameProblem(s: string): string | null {
  if (isSecretName(s)) return null;
  if (s.length > SECRET_NAME_MAX_LENGTH) {
    return `Secret name "${s}" is ${s.length} characters long; at most ${SECRET_NAME_MAX_LENGTH} are allowed.`;
  }
  const hint = /[A-Z]/.test(s) ? ` (did you mean "${s.toLowerCase()}"?)` : '';
  return `"${s}" is not a valid secret name${hint}: use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit.`;
}

/** Why `s` is not a key within a secret, or null when it is one. */
export function secretKeyProblem(s: string): string | null {
  if (isSecretKey(s)) return null;
  if (s.length > SECRET_KEY_MAX_LENGTH) {
    return `Secret key "${s.slice(0, 40)}…" is ${s.length} characters long; at most ${SECRET_KEY_MAX_LENGTH} are allowed.`;
  }
  return `"${s}" is not a valid secret key: use letters, digits, ".", "_" and "-" only.`;
}
