CREATE TABLE `instances` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`visibility` text DEFAULT 'PRIVATE' NOT NULL,
	`status` text DEFAULT 'PENDING' NOT NULL,
	`stage` text,
	`reason` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`suspend_after` integer,
	`auto_suspend` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `instances_owner_idx` ON `instances` (`owner_id`);--> statement-breakpoint
CREATE INDEX `instances_app_idx` ON `instances` (`app_id`);--> statement-breakpoint
CREATE INDEX `instances_status_idx` ON `instances` (`status`);