-- A store page filtered by category walks products in (name, id) order. Filtering the name index
-- by category_path containment reads every product until 50 match (thousands for a small
-- category); one index per tree level keyed by that level's category makes it a range scan of
-- exactly the page. The tree is at most three levels deep (deeper filters fall back to containment).
CREATE INDEX products_category_l1 ON products ((category_path[1]), name, id);
CREATE INDEX products_category_l2 ON products ((category_path[2]), name, id);
CREATE INDEX products_category_l3 ON products ((category_path[3]), name, id);
