//! Reference exchange rates from a provider (by default the European Central Bank's daily XML,
//! which quotes every currency, the rupiah included, against the euro), stored as units per US
//! dollar for the day they are dated. A failed fetch keeps the last good rates; the shipped
//! dated sample stays as the offline fallback.

use std::str::FromStr;
use std::sync::Weak;
use std::time::Duration;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::config::Settings;
use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::models::reference::{ExchangeRateRow, latest_rates, put_rates};

/// Where stored rates came from.
pub const SOURCE: &str = "ecb";

/// A day's rates from the ECB's `eurofxref` XML: the date and each currency's units per euro.
pub fn parse_ecb(xml: &str) -> Result<(NaiveDate, Vec<(String, Decimal)>), String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    let day = doc
        .descendants()
        .find(|n| n.tag_name().name() == "Cube" && n.has_attribute("time"))
        .ok_or("no dated Cube element")?;
    let date = day
        .attribute("time")
        .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .ok_or("the Cube's time is not a date")?;
    let mut rates = Vec::new();
    for cube in day.children().filter(|n| n.tag_name().name() == "Cube") {
        let (Some(code), Some(rate)) = (cube.attribute("currency"), cube.attribute("rate")) else {
            continue;
        };
        let rate =
            Decimal::from_str(rate).map_err(|_| format!("{code}: `{rate}` is not a number"))?;
        if rate <= Decimal::ZERO {
            return Err(format!("{code}: the rate must be positive"));
        }
        rates.push((code.to_owned(), rate));
    }
    Ok((date, rates))
}

/// Turns rates per euro into units per US dollar (the euro included, the dollar at 1).
pub fn per_usd(
    date: NaiveDate,
    per_eur: &[(String, Decimal)],
) -> Result<Vec<ExchangeRateRow>, String> {
    let usd = per_eur
        .iter()
        .find(|(code, _)| code == "USD")
        .map(|(_, rate)| *rate)
        .ok_or("no US dollar rate to convert through")?;
    let row = |currency: &str, units: Decimal| ExchangeRateRow {
        currency: currency.to_owned(),
        rate_date: date,
        units_per_usd: units.round_dp(8).normalize().to_string(),
        source: SOURCE.to_owned(),
    };
    let mut rows = vec![row("EUR", Decimal::ONE / usd)];
    for (code, rate) in per_eur {
        if crate::domain::Currency::parse(code).is_ok() {
            rows.push(row(
                code,
                if code == "USD" {
                    Decimal::ONE
                } else {
                    rate / usd
                },
            ));
        }
    }
    Ok(rows)
}

/// What a refresh stored.
#[derive(Debug)]
pub struct Refreshed {
    pub date: NaiveDate,
    pub currencies: usize,
}

/// Fetches the provider's rates and stores them, moving the matching version so that every
/// instance compares values at the new rates.
pub fn refresh(db: &Db, settings: &Settings) -> anyhow::Result<Refreshed> {
    crate::startup::install_tls_provider();
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(settings.rates.timeout_seconds))
        .build()?;
    let xml = client
        .get(&settings.rates.provider_url)
        .send()
        .and_then(reqwest::blocking::Response::error_for_status)?
        .text()?;
    let (date, per_eur) = parse_ecb(&xml).map_err(anyhow::Error::msg)?;
    let rows = per_usd(date, &per_eur).map_err(anyhow::Error::msg)?;
    let mut conn = db.get()?;
    write_transaction(&mut conn, |conn| {
        put_rates(conn, &rows)?;
        crate::models::matching::bump_version(conn)?;
        Ok(())
    })?;
    Ok(Refreshed {
        date,
        currencies: rows.len(),
    })
}

/// Whether the newest stored rate is older than the refresh interval.
fn stale(db: &Db, settings: &Settings) -> Result<bool, AppError> {
    let mut conn = db.get()?;
    let newest = latest_rates(&mut conn)?.iter().map(|r| r.rate_date).max();
    let due = chrono::Utc::now().date_naive()
        - chrono::Duration::hours(settings.rates.refresh_hours as i64);
    Ok(newest.is_none_or(|d| d < due))
}

/// Refreshes the rates when they are stale, then every `rates.refresh_hours`, until the
/// application is gone. Failures are logged and the last good rates kept.
pub fn keep_fresh(db: Db, settings: Weak<Settings>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("rates-refresh".into())
        .spawn(move || {
            let mut first = true;
            while let Some(current) = settings.upgrade() {
                let run = !first || stale(&db, &current).unwrap_or(true);
                first = false;
                if run {
                    match refresh(&db, &current) {
                        Ok(r) => tracing::info!(date = %r.date, currencies = r.currencies, "exchange rates refreshed"),
                        Err(e) => tracing::warn!(error = format!("{e:#}"), "could not refresh the exchange rates; keeping the last good ones"),
                    }
                }
                let period = Duration::from_secs(current.rates.refresh_hours * 3600);
                drop(current);
                sleep_while_alive(&settings, period);
            }
        })
        .map(drop)
}

/// Sleeps `period`, waking early once the application is gone.
fn sleep_while_alive(settings: &Weak<Settings>, period: Duration) {
    let step = Duration::from_secs(1);
    let mut slept = Duration::ZERO;
    while slept < period && settings.strong_count() > 0 {
        std::thread::sleep(step.min(period - slept));
        slept += step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time="2026-11-27">
      <Cube currency="USD" rate="1.0500"/>
      <Cube currency="JPY" rate="160.20"/>
      <Cube currency="IDR" rate="17535.00"/>
    </Cube>
  </Cube>
</gesmes:Envelope>"#;

    #[test]
    fn ecb_rates_per_euro_become_rates_per_dollar() {
        let (date, per_eur) = parse_ecb(SAMPLE).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        let rows = per_usd(date, &per_eur).unwrap();
        let rate = |c: &str| {
            rows.iter()
                .find(|r| r.currency == c)
                .unwrap()
                .units_per_usd
                .clone()
        };
        assert_eq!(rate("USD"), "1");
        assert_eq!(rate("IDR"), "16700");
        assert_eq!(rate("JPY"), "152.57142857");
        assert_eq!(rate("EUR"), "0.95238095");
        assert!(
            rows.iter()
                .all(|r| r.source == "ecb" && r.rate_date == date)
        );
    }

    #[test]
    fn documents_without_a_date_or_a_dollar_are_refused() {
        assert!(parse_ecb("<Cube/>").is_err());
        assert!(parse_ecb("not xml").is_err());
        let no_dollar = SAMPLE.replace(r#"<Cube currency="USD" rate="1.0500"/>"#, "");
        let (date, per_eur) = parse_ecb(&no_dollar).unwrap();
        assert!(per_usd(date, &per_eur).is_err());
        assert!(parse_ecb(&SAMPLE.replace("17535.00", "-1")).is_err());
    }
}
