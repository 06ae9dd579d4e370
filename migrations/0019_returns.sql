CREATE TABLE `return_lines` (
	`return_id` text NOT NULL,
	`line_id` text NOT NULL,
	`order_id` text NOT NULL,
	`seller_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`amount` integer NOT NULL,
	`restock` integer,
	PRIMARY KEY(`return_id`, `line_id`),
	FOREIGN KEY (`return_id`) REFERENCES `returns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "return_lines_quantity_positive" CHECK("return_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `return_lines_seller_idx` ON `return_lines` (`seller_id`,`return_id`);--> statement-breakpoint
CREATE TABLE `returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`comment` text,
	`note` text,
	`refund_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`method` text,
	`instructions` text,
	`label_shipment_id` text,
	`label_carrier` text,
	`label_tracking_number` text,
	`refund_id` text,
	`requested_by_type` text NOT NULL,
	`requested_by_id` text,
	`history` text NOT NULL,
	`version` integer NOT NULL,
	`restocked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "returns_refund_nonnegative" CHECK("returns"."refund_amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX `returns_created_idx` ON `returns` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `returns_status_created_idx` ON `returns` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `returns_order_idx` ON `returns` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `returns_user_idx` ON `returns` (`user_id`,`created_at`);