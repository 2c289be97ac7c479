-- A project's readiness card in the terms investors use. The free-text land and permit columns
-- become notes beside the new vocabularies (kept in the Indonesian column, the language they
-- were written in), so nothing already written is lost.
ALTER TABLE projects RENAME COLUMN land_status TO land_note_id;
ALTER TABLE projects RENAME COLUMN permit_status TO permit_note_id;
ALTER TABLE projects ADD COLUMN land_note_en TEXT;
ALTER TABLE projects ADD COLUMN permit_note_en TEXT;
-- low | medium_low | medium_high | high (OSS-RBA)
ALTER TABLE projects ADD COLUMN risk_level TEXT;
-- government_land_available | acquired | in_acquisition | to_be_acquired
ALTER TABLE projects ADD COLUMN land_status TEXT;
-- The person investors may contact about the project.
ALTER TABLE projects ADD COLUMN contact_name TEXT;
ALTER TABLE projects ADD COLUMN contact_role TEXT;
ALTER TABLE projects ADD COLUMN contact_email TEXT;
ALTER TABLE projects ADD COLUMN contact_phone TEXT;

-- The permits a project needs and how far each has come.
CREATE TABLE project_permits (
    project_id TEXT NOT NULL REFERENCES projects (id),
    -- kkpr | amdal | ukl_upl | pbg | slf
    kind TEXT NOT NULL,
    -- not_started | in_process | issued
    status TEXT NOT NULL,
    -- The permit's number or the OSS application's, when there is one.
    reference TEXT,
    PRIMARY KEY (project_id, kind)
);

-- The incentives a project qualifies for (tax_holiday, special_economic_zone, ...).
CREATE TABLE project_incentives (
    project_id TEXT NOT NULL REFERENCES projects (id),
    incentive TEXT NOT NULL,
    PRIMARY KEY (project_id, incentive)
);
