CREATE TABLE `store_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_by` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD `note` text;