CREATE TABLE `order_external_refs` (
	`order_id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`external_id` text NOT NULL,
	`external_number` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_external_refs_source_unique` ON `order_external_refs` (`source`,`external_id`);--> statement-breakpoint
CREATE INDEX `order_external_refs_created_idx` ON `order_external_refs` (`created_at`);