-- Full-text search over products (FTS5). A standalone FTS table keyed by product_id, kept in step
-- by triggers, so it never depends on implicit rowids (which VACUUM may renumber).
CREATE VIRTUAL TABLE products_fts USING fts5(
  product_id UNINDEXED,
  name,
  description,
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (product_id, name, description) VALUES (new.id, new.name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN
  DELETE FROM products_fts WHERE product_id = old.id;
  INSERT INTO products_fts (product_id, name, description) VALUES (new.id, new.name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
  DELETE FROM products_fts WHERE product_id = old.id;
END;
--> statement-breakpoint
INSERT INTO cache_versions (name, version) VALUES ('catalog', 1);
