ALTER TABLE `reviews` ADD `order_id` text;--> statement-breakpoint
ALTER TABLE `reviews` ADD `status` text DEFAULT 'published' NOT NULL;--> statement-breakpoint
ALTER TABLE `reviews` ADD `moderated_at` text;--> statement-breakpoint
ALTER TABLE `reviews` ADD `moderated_by` text;--> statement-breakpoint
ALTER TABLE `reviews` ADD `moderation_reason` text;--> statement-breakpoint
CREATE INDEX `reviews_status_created_idx` ON `reviews` (`status`,`created_at`,`id`);