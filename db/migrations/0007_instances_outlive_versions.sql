-- Instances outlive their app version: app_id loses its foreign key, and app_snapshot keeps a deleted
-- version's row. Rebuilt by hand (drizzle-kit's PRAGMA foreign_keys=OFF does nothing inside the migration
-- transaction): dropping the old table would set every alias's instance_id to null, so they are kept aside.
CREATE TABLE `__alias_targets` AS SELECT `name`, `instance_id` FROM `aliases` WHERE `instance_id` IS NOT NULL;--> statement-breakpoint
CREATE TABLE `__new_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`app_snapshot` text,
	`owner_id` text NOT NULL,
	`visibility` text DEFAULT 'PRIVATE' NOT NULL,
	`status` text DEFAULT 'PENDING' NOT NULL,
	`stage` text,
	`reason` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`suspend_after` integer,
	`auto_suspend` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_instances`("id", "app_id", "owner_id", "visibility", "status", "stage", "reason", "created_at", "updated_at", "suspend_after", "auto_suspend") SELECT "id", "app_id", "owner_id", "visibility", "status", "stage", "reason", "created_at", "updated_at", "suspend_after", "auto_suspend" FROM `instances`;--> statement-breakpoint
DROP TABLE `instances`;--> statement-breakpoint
ALTER TABLE `__new_instances` RENAME TO `instances`;--> statement-breakpoint
UPDATE `aliases` SET `instance_id` = (SELECT t.`instance_id` FROM `__alias_targets` t WHERE t.`name` = `aliases`.`name`) WHERE `name` IN (SELECT `name` FROM `__alias_targets`);--> statement-breakpoint
DROP TABLE `__alias_targets`;--> statement-breakpoint
CREATE INDEX `instances_owner_idx` ON `instances` (`owner_id`);--> statement-breakpoint
CREATE INDEX `instances_app_idx` ON `instances` (`app_id`);--> statement-breakpoint
CREATE INDEX `instances_status_idx` ON `instances` (`status`);
