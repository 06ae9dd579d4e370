CREATE TABLE `shipment_events` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`code` text NOT NULL,
	`status` text NOT NULL,
	`description` text NOT NULL,
	`location` text,
	`at` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipment_events_unique` ON `shipment_events` (`shipment_id`,`at`,`code`);--> statement-breakpoint
CREATE INDEX `shipment_events_order_idx` ON `shipment_events` (`order_id`,`at`);--> statement-breakpoint
CREATE TABLE `shipment_lines` (
	`line_id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`order_id` text NOT NULL,
	FOREIGN KEY (`line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shipment_lines_shipment_idx` ON `shipment_lines` (`shipment_id`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`return_id` text,
	`carrier` text NOT NULL,
	`service_code` text NOT NULL,
	`status` text NOT NULL,
	`tracking_number` text,
	`carrier_shipment_id` text,
	`label_key` text,
	`label_content_type` text,
	`cost_amount` integer,
	`cost_currency` text,
	`weight_grams` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`created_by_type` text NOT NULL,
	`created_by_id` text,
	`last_tracked_at` text,
	`delivered_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_order_key_unique` ON `shipments` (`order_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `shipments_status_tracked_idx` ON `shipments` (`status`,`last_tracked_at`);--> statement-breakpoint
CREATE INDEX `shipments_order_idx` ON `shipments` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `shipments_created_idx` ON `shipments` (`created_at`,`id`);