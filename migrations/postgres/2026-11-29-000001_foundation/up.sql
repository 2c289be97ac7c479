-- Reference data: regions (provinces and regencies/cities), ISIC sectors, Smart City dimensions.
CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    province_code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    tz_abbr TEXT NOT NULL,
    iana_tz TEXT NOT NULL,
    area_km2 DOUBLE PRECISION NOT NULL,
    population BIGINT NOT NULL,
    ikn_relation TEXT,
    ikn_basis TEXT
);
CREATE INDEX regions_province_code ON regions (province_code);

CREATE TABLE region_profiles (
    region_code TEXT PRIMARY KEY NOT NULL REFERENCES regions (code),
    summary_id TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    leading_sectors TEXT NOT NULL,
    maturity TEXT NOT NULL,
    contacts TEXT NOT NULL,
    incentives_id TEXT NOT NULL,
    incentives_en TEXT NOT NULL,
    documents TEXT NOT NULL,
    demo BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT
);

CREATE TABLE sectors (
    code TEXT PRIMARY KEY NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    section TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX sectors_parent_code ON sectors (parent_code);

CREATE TABLE dimensions (
    code TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    name_en TEXT NOT NULL,
    name_id TEXT NOT NULL
);

CREATE TABLE elements (
    code TEXT PRIMARY KEY NOT NULL,
    dimension_code TEXT NOT NULL REFERENCES dimensions (code),
    name_en TEXT NOT NULL,
    name_id TEXT NOT NULL
);

-- Dated exchange rates: how many units of `currency` one US dollar buys on `rate_date`.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    rate_date DATE NOT NULL,
    units_per_usd TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (currency, rate_date)
);

-- Investors and their mandates.
CREATE TABLE investors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    website TEXT,
    description TEXT NOT NULL,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    verified_at TIMESTAMP,
    verified_by TEXT,
    demo BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE mandates (
    investor_id TEXT PRIMARY KEY NOT NULL REFERENCES investors (id),
    sectors TEXT NOT NULL,
    excluded_sectors TEXT NOT NULL,
    dimensions TEXT NOT NULL,
    elements TEXT NOT NULL,
    regions TEXT NOT NULL,
    provinces TEXT NOT NULL,
    ikn_related BOOLEAN NOT NULL,
    ticket_min_minor BIGINT,
    ticket_max_minor BIGINT,
    ticket_currency TEXT,
    stages TEXT NOT NULL,
    instruments TEXT NOT NULL,
    thesis TEXT NOT NULL,
    discoverable BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Accounts, sessions (refresh-token families) and invitations.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code TEXT REFERENCES regions (code),
    investor_id TEXT REFERENCES investors (id),
    language TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP
);

-- Projects (investment opportunities) and their many-valued attributes.
CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    title_id TEXT NOT NULL,
    title_en TEXT NOT NULL,
    description_id TEXT NOT NULL,
    description_en TEXT NOT NULL,
    kbli TEXT,
    stage TEXT NOT NULL,
    value_minor BIGINT NOT NULL,
    value_currency TEXT NOT NULL,
    expected_irr_pct DOUBLE PRECISION,
    payback_years DOUBLE PRECISION,
    land_status TEXT,
    permit_status TEXT,
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    status TEXT NOT NULL,
    review_comment TEXT,
    search_text TEXT NOT NULL,
    demo BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX projects_region_code ON projects (region_code);
CREATE INDEX projects_status ON projects (status);

-- Every ISIC code a project belongs to: the codes given (direct) and all their ancestors,
-- so that a filter at any level is one equality.
CREATE TABLE project_sectors (
    project_id TEXT NOT NULL REFERENCES projects (id),
    code TEXT NOT NULL,
    direct BOOLEAN NOT NULL,
    PRIMARY KEY (project_id, code)
);
CREATE INDEX project_sectors_code ON project_sectors (code);

-- Smart City dimension codes (GOV) and element codes (GOV-1) of a project.
CREATE TABLE project_dimensions (
    project_id TEXT NOT NULL REFERENCES projects (id),
    code TEXT NOT NULL,
    PRIMARY KEY (project_id, code)
);
CREATE INDEX project_dimensions_code ON project_dimensions (code);

CREATE TABLE project_instruments (
    project_id TEXT NOT NULL REFERENCES projects (id),
    instrument TEXT NOT NULL,
    PRIMARY KEY (project_id, instrument)
);

-- The review history of a project: every status change, by whom, with the reviewer's comment.
CREATE TABLE project_events (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    comment TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_events_project_id ON project_events (project_id);
