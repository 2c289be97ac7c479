-- Events where investors and regions meet: forums, missions abroad, investor visits to a region.
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    travel_buffer_minutes INTEGER NOT NULL,
    daily_cap INTEGER NOT NULL,
    min_break_slots INTEGER NOT NULL,
    online BOOLEAN NOT NULL,
    registration_deadline TIMESTAMP NOT NULL,
    request_deadline TIMESTAMP NOT NULL,
    request_expiry_days INTEGER NOT NULL,
    demo BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Where an event's meetings happen, with its IANA time zone and its tables and rooms per slot.
CREATE TABLE event_venues (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    tables INTEGER NOT NULL,
    rooms INTEGER NOT NULL
);
CREATE INDEX event_venues_event_id ON event_venues (event_id);

-- Opening hours of a venue on one date, in the venue's local time; breaks as JSON [["12:00","13:00"]].
CREATE TABLE event_days (
    venue_id TEXT NOT NULL REFERENCES event_venues (id),
    event_id TEXT NOT NULL REFERENCES events (id),
    day DATE NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    breaks TEXT NOT NULL,
    PRIMARY KEY (venue_id, day)
);
CREATE INDEX event_days_event_id ON event_days (event_id);

-- A named group of officials from one or more regions travelling together.
CREATE TABLE delegations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    travel_buffer_minutes INTEGER NOT NULL,
    demo BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE delegation_regions (
    delegation_id TEXT NOT NULL REFERENCES delegations (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (delegation_id, region_code)
);
CREATE INDEX delegation_regions_region_code ON delegation_regions (region_code);

CREATE TABLE delegation_members (
    delegation_id TEXT NOT NULL REFERENCES delegations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (delegation_id, user_id)
);

-- One stop of a delegation's itinerary: a city between two dates (inclusive, local).
CREATE TABLE delegation_legs (
    delegation_id TEXT NOT NULL REFERENCES delegations (id),
    position INTEGER NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    PRIMARY KEY (delegation_id, position)
);

-- An investor, a region or a delegation taking part in an event, in its own time zone.
CREATE TABLE event_participants (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    kind TEXT NOT NULL,
    investor_id TEXT REFERENCES investors (id),
    region_code TEXT REFERENCES regions (code),
    delegation_id TEXT REFERENCES delegations (id),
    time_zone TEXT NOT NULL,
    daily_cap INTEGER,
    registered_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, investor_id),
    UNIQUE (event_id, region_code),
    UNIQUE (event_id, delegation_id)
);

-- When a participant can meet (UTC). A participant without windows can meet whenever a venue is open.
CREATE TABLE participant_availability (
    participant_id TEXT NOT NULL REFERENCES event_participants (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    PRIMARY KEY (participant_id, starts_at)
);

-- A request for a meeting between an investor and a region or delegation at an event.
CREATE TABLE meeting_requests (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    investor_participant_id TEXT NOT NULL REFERENCES event_participants (id),
    host_participant_id TEXT NOT NULL REFERENCES event_participants (id),
    project_id TEXT REFERENCES projects (id),
    origin TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    investor_accepted BOOLEAN NOT NULL,
    host_accepted BOOLEAN NOT NULL,
    reason TEXT,
    must_meet BOOLEAN NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id)
);
CREATE INDEX meeting_requests_event_id ON meeting_requests (event_id, status);
CREATE INDEX meeting_requests_investor ON meeting_requests (investor_participant_id);
CREATE INDEX meeting_requests_host ON meeting_requests (host_participant_id);

-- A request placed at a time, venue and table or room; its outcome once held.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    request_id TEXT NOT NULL UNIQUE REFERENCES meeting_requests (id),
    venue_id TEXT NOT NULL REFERENCES event_venues (id),
    seat INTEGER NOT NULL,
    is_group BOOLEAN NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    attendance TEXT,
    notes TEXT,
    follow_up TEXT,
    follow_up_amount_minor BIGINT,
    follow_up_currency TEXT,
    outcome_by TEXT REFERENCES users (id),
    outcome_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_event_id ON meetings (event_id, starts_at);

-- Background work such as scheduling an event, with its progress and result.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    event_id TEXT REFERENCES events (id),
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    stage TEXT NOT NULL,
    parameters TEXT NOT NULL,
    result TEXT,
    error TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- The outbox: every request and schedule change, recorded in the same transaction, to be shown
-- in the app and delivered by email or webhook. The payload holds what a message needs.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    recipient_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    delivery TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
CREATE INDEX notifications_delivery ON notifications (delivery, created_at);

-- Secret, revocable addresses of personal calendar feeds (only the SHA-256 of the token is kept).
CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_user_id ON calendar_feeds (user_id);
