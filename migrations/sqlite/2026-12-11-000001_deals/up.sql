-- A region's non-disclosure agreement for its projects' data rooms. A changed text is a new
-- version; acceptances name the version the investor read.
CREATE TABLE region_ndas (
    region_code TEXT NOT NULL REFERENCES regions (code),
    version INTEGER NOT NULL,
    text_id TEXT NOT NULL,
    text_en TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (region_code, version)
);

-- An investor's acceptance of its region's NDA for one project: the click-through, with the
-- account that clicked and when.
CREATE TABLE nda_acceptances (
    project_id TEXT NOT NULL REFERENCES projects (id),
    investor_id TEXT NOT NULL REFERENCES investors (id),
    region_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    accepted_by TEXT NOT NULL REFERENCES users (id),
    accepted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, investor_id, version)
);

-- Data-room access an official or staff granted an investor without the click-through (an NDA
-- signed on paper, say).
CREATE TABLE data_room_grants (
    project_id TEXT NOT NULL REFERENCES projects (id),
    investor_id TEXT NOT NULL REFERENCES investors (id),
    granted_by TEXT NOT NULL REFERENCES users (id),
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, investor_id)
);

-- One investor's path with one project (or with a region, for meetings about no project):
-- interested, nda_accepted, data_room_opened, site_visit, negotiation, letter_of_intent, mou,
-- investment_realised, or closed with a reason.
CREATE TABLE deals (
    id TEXT PRIMARY KEY NOT NULL,
    investor_id TEXT NOT NULL REFERENCES investors (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    project_id TEXT REFERENCES projects (id),
    stage TEXT NOT NULL,
    closed_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX deals_per_project ON deals (investor_id, project_id)
    WHERE project_id IS NOT NULL;
CREATE UNIQUE INDEX deals_per_region ON deals (investor_id, region_code)
    WHERE project_id IS NULL;
CREATE INDEX deals_by_region ON deals (region_code);

-- Every change of a deal: its stage, what moved it (feedback, nda, data_room, meeting, party),
-- who (none when the system moved it), and an amount and a note when given.
CREATE TABLE deal_steps (
    id TEXT PRIMARY KEY NOT NULL,
    deal_id TEXT NOT NULL REFERENCES deals (id),
    stage TEXT NOT NULL,
    source TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    meeting_id TEXT REFERENCES meetings (id),
    amount_minor BIGINT,
    amount_currency TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX deal_steps_by_deal ON deal_steps (deal_id, created_at);

-- Meetings' recorded follow-ups become deals, each follow-up a step, so the path from a meeting
-- to money can be followed; the meetings keep their outcomes. A delegation's meeting about no
-- project has no one region to carry a deal and stays an outcome only.
INSERT INTO deals (id, investor_id, region_code, project_id, stage, closed_reason, created_at,
                   updated_at)
SELECT 'outcomes-' || MIN(o.meeting_id), o.investor_id, o.region_code, o.project_id,
       CASE MAX(o.rank)
           WHEN 7 THEN 'investment_realised'
           WHEN 6 THEN 'mou'
           WHEN 5 THEN 'letter_of_intent'
           ELSE 'site_visit'
       END,
       NULL, MIN(o.at), MAX(o.at)
FROM (
    SELECT m.id AS meeting_id, ip.investor_id AS investor_id,
           COALESCE(p.region_code, hp.region_code) AS region_code, r.project_id AS project_id,
           CASE m.follow_up
               WHEN 'investment_realised' THEN 7
               WHEN 'mou' THEN 6
               WHEN 'letter_of_intent' THEN 5
               ELSE 3
           END AS rank,
           COALESCE(m.outcome_at, m.updated_at) AS at
    FROM meetings m
    JOIN meeting_requests r ON r.id = m.request_id
    JOIN event_participants ip ON ip.id = r.investor_participant_id
    JOIN event_participants hp ON hp.id = r.host_participant_id
    LEFT JOIN projects p ON p.id = r.project_id
    WHERE m.follow_up IS NOT NULL
      AND ip.investor_id IS NOT NULL
      AND COALESCE(p.region_code, hp.region_code) IS NOT NULL
) o
GROUP BY o.investor_id, o.region_code, o.project_id;

INSERT INTO deal_steps (id, deal_id, stage, source, actor_id, meeting_id, amount_minor,
                        amount_currency, note, created_at)
SELECT 'outcome-' || m.id, d.id, m.follow_up, 'meeting', m.outcome_by, m.id,
       m.follow_up_amount_minor, m.follow_up_currency, NULL, COALESCE(m.outcome_at, m.updated_at)
FROM meetings m
JOIN meeting_requests r ON r.id = m.request_id
JOIN event_participants ip ON ip.id = r.investor_participant_id
JOIN event_participants hp ON hp.id = r.host_participant_id
LEFT JOIN projects p ON p.id = r.project_id
JOIN deals d ON d.investor_id = ip.investor_id
            AND d.region_code = COALESCE(p.region_code, hp.region_code)
            AND (d.project_id = r.project_id OR (d.project_id IS NULL AND r.project_id IS NULL))
WHERE m.follow_up IS NOT NULL;
