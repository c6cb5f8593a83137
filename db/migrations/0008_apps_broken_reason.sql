-- Set by the storage check when files an app version needs are missing (lib/backup/fsck.ts).
ALTER TABLE `apps` ADD `broken_reason` text;
