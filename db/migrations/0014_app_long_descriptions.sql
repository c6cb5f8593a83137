-- Issue 15 (app pages): parsing an app's LongDescription (micromark, GFM, sanitizing) was the largest single cost
-- of an app page a process had not shown before. Each version's is now compiled when it is imported and kept here
-- (lib/catalog/markdown.ts's compiled form), with the hash of its Markdown and the pipeline that compiled it.
CREATE TABLE `app_long_descriptions` (
	`app_id` text PRIMARY KEY NOT NULL,
	`source_sha256` text NOT NULL,
	`pipeline` text NOT NULL,
	`compiled` text NOT NULL,
	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade
);
