CREATE TABLE `marketplace_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`marketplace` text NOT NULL,
	`external_id` text NOT NULL,
	`external_number` text,
	`external_status` text NOT NULL,
	`order_id` text NOT NULL,
	`imported_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `marketplace_orders_external_unique` ON `marketplace_orders` (`marketplace`,`external_id`);--> statement-breakpoint
CREATE INDEX `marketplace_orders_order_idx` ON `marketplace_orders` (`order_id`);--> statement-breakpoint
CREATE TABLE `marketplace_products` (
	`marketplace` text NOT NULL,
	`product_id` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`last_attempt_at` text,
	`last_success_at` text,
	`external_id` text,
	`external_ids` text DEFAULT '{}' NOT NULL,
	`snapshot` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`marketplace`, `product_id`)
);
--> statement-breakpoint
CREATE INDEX `marketplace_products_state_idx` ON `marketplace_products` (`marketplace`,`state`,`product_id`);--> statement-breakpoint
CREATE INDEX `marketplace_products_state_all_idx` ON `marketplace_products` (`state`,`updated_at`);--> statement-breakpoint
CREATE TABLE `marketplace_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`marketplace` text NOT NULL,
	`kind` text NOT NULL,
	`trigger` text NOT NULL,
	`ok` integer NOT NULL,
	`summary` text DEFAULT '{}' NOT NULL,
	`error` text,
	`since` text,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `marketplace_runs_recent_idx` ON `marketplace_runs` (`marketplace`,`kind`,`started_at`);