// Password hashing with bcrypt; unknown accounts cost the same time as known ones.
import bcrypt from 'bcryptjs';

const COST = 10;
// A real hash of a random string, compared against when the account does not exist.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-' + Math.random(), COST);

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** Compares in constant time with respect to whether a hash exists. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && !!hash;
}
