-- Reminders sent before a meeting: one per meeting, lead time and version of the meeting, so a
-- moved meeting is reminded of again at its new time.
CREATE TABLE meeting_reminders (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    lead_minutes INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, lead_minutes, sequence)
);
