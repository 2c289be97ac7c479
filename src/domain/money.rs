//! Money stored exactly: integer minor units of an ISO 4217 currency.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An ISO 4217 currency that has minor units defined (no funds or precious metals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a three-letter code such as `IDR`.
    pub fn parse(code: &str) -> Result<Self, String> {
        iso_currency::Currency::from_code(code)
            .filter(|c| c.exponent().is_some())
            .map(Currency)
            .ok_or_else(|| format!("`{code}` is not an ISO 4217 currency code"))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    pub fn name(self) -> String {
        self.0.name().to_owned()
    }

    /// Digits after the decimal point in the ISO 4217 table (2 for IDR and USD, 0 for JPY).
    pub fn minor_digits(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// Every currency that money can be stated in.
    pub fn all() -> impl Iterator<Item = Currency> {
        use iso_currency::IntoEnumIterator;
        iso_currency::Currency::iter()
            .filter(|c| c.exponent().is_some())
            .map(Currency)
    }
}

/// An amount of money, exact to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Money as JSON: `{"amount": "180000000000", "currency": "IDR"}`, amount in major units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyJson {
    /// A decimal string in major units, e.g. "180000000000" or "12.50".
    #[schema(example = "180000000000")]
    pub amount: String,
    /// ISO 4217 code.
    #[schema(example = "IDR")]
    pub currency: String,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses a non-negative decimal amount in major units, refusing more decimals than the
    /// currency has.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, String> {
        let currency = Currency::parse(currency)?;
        let value = Decimal::from_str(amount.trim())
            .map_err(|_| format!("`{amount}` is not a decimal number"))?;
        if value.is_sign_negative() {
            return Err("amount must not be negative".into());
        }
        let value = value.normalize();
        if value.scale() > currency.minor_digits() {
            return Err(format!(
                "{} has {} decimal places at most",
                currency.code(),
                currency.minor_digits()
            ));
        }
        let minor = value
            .checked_mul(Decimal::from(10i64.pow(currency.minor_digits())))
            .and_then(|m| i64::try_from(m).ok())
            .ok_or_else(|| "amount is too large".to_owned())?;
        Ok(Money { minor, currency })
    }

    pub fn from_json(json: &MoneyJson) -> Result<Self, String> {
        Money::parse(&json.amount, &json.currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount in major units.
    pub fn amount(self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_digits()).normalize()
    }

    pub fn to_json(self) -> MoneyJson {
        MoneyJson {
            amount: self.amount().to_string(),
            currency: self.currency.code().to_owned(),
        }
    }

    /// Converts through US-dollar rates (`units_per_usd` of each currency), rounding to the
    /// target's minor unit. `None` when the result does not fit.
    pub fn convert(
        self,
        to: Currency,
        from_per_usd: Decimal,
        to_per_usd: Decimal,
    ) -> Option<Money> {
        if from_per_usd.is_zero() {
            return None;
        }
        let major = self
            .amount()
            .checked_mul(to_per_usd)?
            .checked_div(from_per_usd)?;
        let minor = major
            .checked_mul(Decimal::from(10i64.pow(to.minor_digits())))?
            .round();
        Some(Money {
            minor: i64::try_from(minor).ok()?,
            currency: to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_rupiah_amounts_round_trip_through_minor_units() {
        let money = Money::parse("180000000000", "IDR").unwrap();
        assert_eq!(money.minor(), 18_000_000_000_000);
        assert_eq!(money.to_json().amount, "180000000000");
    }

    #[test]
    fn more_decimals_than_the_currency_has_are_refused() {
        assert!(Money::parse("10.5", "JPY").is_err());
        assert!(Money::parse("10.505", "USD").is_err());
        assert_eq!(
            Money::parse("10.50", "USD").unwrap().to_json().amount,
            "10.5"
        );
    }

    #[test]
    fn negative_amounts_and_unknown_currencies_are_refused() {
        assert!(Money::parse("-1", "USD").is_err());
        assert!(Money::parse("1", "XYZ").is_err());
        assert!(Money::parse("abc", "USD").is_err());
    }

    #[test]
    fn conversion_goes_through_dollar_rates() {
        let idr = Money::parse("160000000", "IDR").unwrap();
        let usd = idr
            .convert(
                Currency::parse("USD").unwrap(),
                Decimal::from(16000),
                Decimal::ONE,
            )
            .unwrap();
        assert_eq!(usd.to_json().amount, "10000");
    }
}
