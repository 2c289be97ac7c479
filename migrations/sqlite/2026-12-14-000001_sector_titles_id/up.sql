-- The Indonesian name of each ISIC code, filled from the shipped data/reference/isic_rev4_id.csv.
ALTER TABLE sectors ADD COLUMN title_id TEXT NOT NULL DEFAULT '';
