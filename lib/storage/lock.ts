// One lock for every change that places or removes stored files together with the rows that point at
// them, so a sweep never deletes a file an import is about to commit. One process owns the database.
let tail: Promise<unknown> = Promise.resolve();

export function withStorageLock<T>(fn: () => Promise<T> | T): Promise<T> {
  const run = tail.then(fn, fn);
  tail = run.catch(() => undefined);
  return run;
}
