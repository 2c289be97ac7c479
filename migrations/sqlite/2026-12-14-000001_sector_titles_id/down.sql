ALTER TABLE sectors DROP COLUMN title_id;
