-- Search ranks by trigram distance and wants the best few: a GiST trigram index answers
-- ORDER BY search_text <-> $q LIMIT n by walking the index nearest first (the GIN index, kept for
-- LIKE filters on store pages, has to score every match and sort).
CREATE INDEX products_search_knn ON products USING gist (search_text gist_trgm_ops);
