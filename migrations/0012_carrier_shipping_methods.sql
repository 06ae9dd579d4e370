ALTER TABLE `shipping_methods` ADD `carrier` text;--> statement-breakpoint
ALTER TABLE `shipping_methods` ADD `service_code` text;