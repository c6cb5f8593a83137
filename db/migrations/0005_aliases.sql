CREATE TABLE `aliases` (
	`name` text PRIMARY KEY NOT NULL,
	`instance_id` text,
	`is_primary` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`instance_id`) REFERENCES `instances`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `aliases_instance_idx` ON `aliases` (`instance_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `aliases_one_primary` ON `aliases` (`instance_id`) WHERE "aliases"."is_primary" = 1 and "aliases"."instance_id" is not null;