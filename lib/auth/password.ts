// Password hashing with bcrypt; unknown accounts cost the same time as known ones.
import bcrypt from 'bcryptjs';

const COST = 10;
// A real hash (cost 10) of a random string nobody kept, compared against when the account does not exist:
// the comparison costs what a real one does. A constant: hashing one at load cost every start ~0.1 s of CPU
// (and a match could not sign anybody in: verifyPassword also needs a stored hash).
const DUMMY_HASH = '$2b$10$AVPlNXU6tj0DVgfZgRu2/uvLWo4tJJppo/gHsmBBbK98Ufdsxec/G';

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** Compares in constant time with respect to whether a hash exists. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && !!hash;
}
