// Says on an app version's page that the storage check found its files missing or corrupted: it cannot run
// or be downloaded until an administrator restores them (a later check, or a re-import of the same bundle).
export function BrokenVersionNotice({ reason, canEdit }: { reason: string | null; canEdit: boolean }) {
  if (!reason) return null;
  return (
    <div role="alert" data-testid="broken-version" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">This version is broken: files it needs are missing from the portal's storage.</p>
      <p className="mt-1">It cannot be run or downloaded until they are restored. Instances already running are not affected.</p>
      {/* Only the owner and administrators learn which files; anyone else is told just what they can do. */}
      {canEdit && (
        <p className="mt-1 break-words">
          {reason} Restore the files from a backup and run the storage check again (Admin → Storage), or import the same
          bundle again.
        </p>
      )}
    </div>
  );
}
