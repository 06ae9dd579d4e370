CREATE TABLE `discount_customer_usage` (
	`discount_id` text NOT NULL,
	`user_id` text NOT NULL,
	`used` integer NOT NULL,
	`max_uses` integer,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`discount_id`, `user_id`),
	FOREIGN KEY (`discount_id`) REFERENCES `discounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "discount_customer_usage_limit" CHECK("discount_customer_usage"."max_uses" IS NULL OR "discount_customer_usage"."used" <= "discount_customer_usage"."max_uses")
);
--> statement-breakpoint
CREATE TABLE `discount_redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`discount_id` text NOT NULL,
	`user_id` text,
	`order_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`discount_id`) REFERENCES `discounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `discount_redemptions_order_unique` ON `discount_redemptions` (`order_id`);--> statement-breakpoint
CREATE INDEX `discount_redemptions_discount_idx` ON `discount_redemptions` (`discount_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `discounts` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`currency` text,
	`min_subtotal` integer DEFAULT 0 NOT NULL,
	`usage_limit` integer,
	`used_count` integer DEFAULT 0 NOT NULL,
	`per_customer_limit` integer,
	`starts_at` text,
	`expires_at` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "discounts_usage_limit" CHECK("discounts"."usage_limit" IS NULL OR "discounts"."used_count" <= "discounts"."usage_limit"),
	CONSTRAINT "discounts_value_nonnegative" CHECK("discounts"."value" >= 0 AND "discounts"."min_subtotal" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `discounts_code_unique` ON `discounts` (`code`);--> statement-breakpoint
CREATE TABLE `shipping_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`free_over_amount` integer,
	`per_kg_amount` integer,
	`countries` text,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "shipping_methods_amounts_nonnegative" CHECK("shipping_methods"."amount" >= 0 AND coalesce("shipping_methods"."free_over_amount", 0) >= 0 AND coalesce("shipping_methods"."per_kg_amount", 0) >= 0)
);
--> statement-breakpoint
CREATE INDEX `shipping_methods_currency_idx` ON `shipping_methods` (`currency`,`active`,`position`);--> statement-breakpoint
CREATE TABLE `tax_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`country` text NOT NULL,
	`region` text DEFAULT '' NOT NULL,
	`name` text NOT NULL,
	`rate_bps` integer NOT NULL,
	`inclusive` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "tax_rates_rate_range" CHECK("tax_rates"."rate_bps" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tax_rates_country_region_unique` ON `tax_rates` (`country`,`region`);