-- Issue 12 at 100k products (docs/benchmarks.md, fourth pass): the category tree counts from an index,
-- relevance search filters each FTS match on an index instead of reading its product row, and a
-- product's published reviews are found by product (not by walking every published review).
CREATE INDEX `products_status_category_idx` ON `products` (`status`,`category_id`);--> statement-breakpoint
CREATE INDEX `products_id_filters_idx` ON `products` (`id`,`status`,`price_min`,`stock_total`,`category_id`);--> statement-breakpoint
CREATE INDEX `reviews_product_status_created_idx` ON `reviews` (`product_id`,`status`,`created_at`,`id`);