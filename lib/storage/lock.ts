// One lock for every change that places or removes stored files together with the rows that point at
// them, so a sweep never deletes a file an import is about to commit, and the storage check never reads a
// file while it is removed. One process owns the database. Next bundles this module more than once (route
// handlers, server actions, the instance manager started with the server): the queue is kept on globalThis
// so that every copy in the process waits in the same one.
const holder = globalThis as { __appstoreStorageLock?: { tail: Promise<unknown> } };

export function withStorageLock<T>(fn: () => Promise<T> | T): Promise<T> {
  const lock = (holder.__appstoreStorageLock ??= { tail: Promise.resolve() });
  const run = lock.tail.then(fn, fn);
  lock.tail = run.catch(() => undefined);
  return run;
}
