-- Hand-written (drizzle cannot express FTS5 or triggers). Issue 12: scale to 100k products.
--
-- 1. The FTS update/delete triggers deleted `WHERE product_id = old.id`, an UNINDEXED FTS5 column:
--    a full scan of products_fts for every product rename or delete (O(n) per write, O(n^2) for a
--    re-seed). products_fts_docs maps each product to its FTS rowid through an INTEGER PRIMARY KEY
--    (stable across VACUUM, unlike an implicit rowid) and a UNIQUE product_id, so the triggers
--    address the FTS row by rowid.
CREATE TABLE products_fts_docs (
  docid INTEGER PRIMARY KEY,
  product_id TEXT NOT NULL UNIQUE
);
--> statement-breakpoint
INSERT INTO products_fts_docs (docid, product_id) SELECT rowid, product_id FROM products_fts;
--> statement-breakpoint
DROP TRIGGER products_fts_insert;
--> statement-breakpoint
DROP TRIGGER products_fts_update;
--> statement-breakpoint
DROP TRIGGER products_fts_delete;
--> statement-breakpoint
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts_docs (product_id) VALUES (new.id);
  INSERT INTO products_fts (rowid, product_id, name, description)
    VALUES ((SELECT docid FROM products_fts_docs WHERE product_id = new.id), new.id, new.name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN
  DELETE FROM products_fts WHERE rowid = (SELECT docid FROM products_fts_docs WHERE product_id = old.id);
  INSERT INTO products_fts (rowid, product_id, name, description)
    VALUES ((SELECT docid FROM products_fts_docs WHERE product_id = old.id), new.id, new.name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
  DELETE FROM products_fts WHERE rowid = (SELECT docid FROM products_fts_docs WHERE product_id = old.id);
  DELETE FROM products_fts_docs WHERE product_id = old.id;
END;
