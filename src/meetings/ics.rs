//! iCalendar (RFC 5545) for meetings: times in UTC, a stable UID per meeting, SEQUENCE bumped on
//! every change, and METHOD:CANCEL for a cancelled meeting sent on its own.

use chrono::NaiveDateTime;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

use super::time::utc;

/// What a calendar entry shows of a meeting.
#[derive(Debug, Clone)]
pub struct CalendarEntry {
    pub meeting_id: String,
    pub sequence: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub cancelled: bool,
    pub summary: String,
    pub description: String,
    pub location: String,
}

/// The UID of a meeting's calendar entry: the same for the meeting's whole life.
pub fn uid(meeting_id: &str) -> String {
    format!("{meeting_id}@sepadan")
}

fn event(entry: &CalendarEntry) -> Event {
    Event::new()
        .uid(&uid(&entry.meeting_id))
        .sequence(entry.sequence.max(0) as u32)
        .timestamp(utc(entry.updated_at))
        .starts(utc(entry.starts_at))
        .ends(utc(entry.ends_at))
        .summary(&entry.summary)
        .description(&entry.description)
        .location(&entry.location)
        .status(if entry.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .done()
}

fn calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Sepadan//Meetings//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(name);
    calendar
}

/// One meeting as an invitation (METHOD:REQUEST) or, once cancelled, a cancellation.
pub fn single(entry: &CalendarEntry) -> String {
    let method = if entry.cancelled { "CANCEL" } else { "REQUEST" };
    let mut calendar = calendar(&entry.summary);
    calendar
        .append_property(Property::new("METHOD", method))
        .push(event(entry));
    calendar.to_string()
}

/// A personal feed: every meeting, cancelled ones marked STATUS:CANCELLED.
pub fn feed(name: &str, entries: &[CalendarEntry]) -> String {
    let mut calendar = calendar(name);
    calendar.append_property(Property::new("METHOD", "PUBLISH"));
    for entry in entries {
        calendar.push(event(entry));
    }
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cancelled: bool) -> CalendarEntry {
        let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").unwrap();
        CalendarEntry {
            meeting_id: "m-1".into(),
            sequence: 2,
            starts_at: at("2026-12-08T02:00"),
            ends_at: at("2026-12-08T02:30"),
            updated_at: at("2026-11-29T10:00"),
            cancelled,
            summary: "Meeting: Kota Palopo, with a comma; and a semicolon".into(),
            description: "Line one\nLine two".into(),
            location: "Jakarta Convention Center, table 4".into(),
        }
    }

    #[test]
    fn an_invitation_has_utc_times_a_stable_uid_and_its_sequence() {
        let text = single(&entry(false));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        for line in [
            "METHOD:REQUEST",
            "PRODID:-//Sepadan//Meetings//EN",
            "UID:m-1@sepadan",
            "SEQUENCE:2",
            "DTSTART:20261208T020000Z",
            "DTEND:20261208T023000Z",
            "STATUS:CONFIRMED",
            "SUMMARY:Meeting: Kota Palopo\\, with a comma\\; and a semicolon",
            "DESCRIPTION:Line one\\nLine two",
        ] {
            assert!(text.contains(&format!("{line}\r\n")), "{line} in\n{text}");
        }
    }

    #[test]
    fn a_parser_reads_back_every_event_of_a_feed() {
        let text = feed("Meetings", &[entry(false), entry(true)]);
        let unfolded = icalendar::parser::unfold(&text);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), 2);
        for event in events {
            let uid = event.find_prop("UID").expect("a UID").val.as_str();
            assert_eq!(uid, "m-1@sepadan");
        }
    }

    #[test]
    fn a_cancellation_uses_method_cancel() {
        let text = single(&entry(true));
        assert!(text.contains("METHOD:CANCEL\r\n"));
        assert!(text.contains("STATUS:CANCELLED\r\n"));
    }
}
