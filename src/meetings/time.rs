//! Local times and time zones: what people type and see, turned into the UTC the database keeps.
//! Daylight-saving gaps and overlaps and the date line are handled by the IANA rules (chrono-tz).

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::AppError;

/// An IANA time zone name such as `Asia/Jakarta`.
pub fn time_zone(field: &str, name: &str) -> Result<Tz, AppError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| AppError::validation(field, format!("`{name}` is not an IANA time zone")))
}

/// A time zone stored by this service (checked when it was written).
pub fn stored_zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// "HH:MM" on a 24-hour clock.
pub fn clock(field: &str, text: &str) -> Result<NaiveTime, AppError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| AppError::validation(field, "must be a time such as 09:30"))
}

/// A wall-clock time in a zone as UTC. A time skipped by a daylight-saving change is refused; a
/// time that happens twice is taken at its first occurrence.
pub fn to_utc(field: &str, local: NaiveDateTime, zone: Tz) -> Result<NaiveDateTime, AppError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.naive_utc()),
        LocalResult::None => Err(AppError::validation(
            field,
            format!("{local} does not exist in {zone}: the clocks change then"),
        )),
    }
}

/// A UTC time as seen in a zone, with its offset.
pub fn in_zone(utc: NaiveDateTime, zone: Tz) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&utc)
        .with_timezone(&zone)
        .fixed_offset()
}

/// The calendar date of a UTC time in a zone.
pub fn local_date(utc: NaiveDateTime, zone: Tz) -> NaiveDate {
    in_zone(utc, zone).date_naive()
}

/// Reads a wall-clock time written "2026-12-08T09:00" (seconds allowed, no offset): how people
/// enter times in their own zone.
pub fn parse_local(text: &str) -> Result<NaiveDateTime, String> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
        .ok_or_else(|| format!("`{text}` is not a local time such as 2026-12-08T09:00"))
}

/// Serde field reader for [`parse_local`].
pub fn local<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    parse_local(&text).map_err(serde::de::Error::custom)
}

/// Serde field reader for an optional [`parse_local`] time.
pub fn optional_local<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDateTime>, D::Error> {
    let text = <Option<String> as serde::Deserialize>::deserialize(d)?;
    text.map(|t| parse_local(&t).map_err(serde::de::Error::custom))
        .transpose()
}

/// A UTC time as `DateTime<Utc>`.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_refused_and_a_repeated_one_taken_first() {
        let new_york = time_zone("tz", "America/New_York").unwrap();
        assert!(to_utc("from", at("2027-03-14T02:30"), new_york).is_err());
        assert_eq!(
            to_utc("from", at("2026-11-01T01:30"), new_york).unwrap(),
            at("2026-11-01T05:30")
        );
        assert_eq!(
            to_utc("from", at("2026-11-02T09:00"), new_york).unwrap(),
            at("2026-11-02T14:00")
        );
    }

    #[test]
    fn the_date_line_puts_one_instant_on_two_dates() {
        let kiritimati = time_zone("tz", "Pacific/Kiritimati").unwrap();
        let pago_pago = time_zone("tz", "Pacific/Pago_Pago").unwrap();
        let instant = to_utc("from", at("2026-12-08T09:00"), kiritimati).unwrap();
        assert_eq!(instant, at("2026-12-07T19:00"));
        assert_eq!(
            local_date(instant, pago_pago),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(
            in_zone(instant, pago_pago).to_rfc3339(),
            "2026-12-07T08:00:00-11:00"
        );
    }

    #[test]
    fn unknown_zones_and_clocks_are_refused() {
        assert!(time_zone("tz", "Asia/Atlantis").is_err());
        assert!(clock("opens", "25:00").is_err());
        assert_eq!(
            clock("opens", "09:30").unwrap(),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap()
        );
    }
}
