//! The one currency of every table, chart and sentence, and the one way an amount of money is
//! written. Ads earn revenue and cells pay for energy and for complaint calls in the same money,
//! so the answer can compare them; nothing else in the crate writes a currency symbol.

/// The currency symbol as a literal (`currency!()`), or a unit per something (`currency!("kWh")` is
/// `"€/kWh"`), for static tables that need a `&'static str`.
macro_rules! currency {
    () => {
        "€"
    };
    ($per:literal) => {
        concat!("€/", $per)
    };
}
pub(crate) use currency;

/// The currency symbol.
pub const CURRENCY: &str = currency!();

/// The currency per US dollar, for list prices quoted in dollars (the essay's break-even of the
/// streaming stack). An assumption, not a market rate: the reader scales the prices with the knobs.
pub const PER_US_DOLLAR: f64 = 0.92;

/// A money unit per something: `per("day")` is `"€/day"`.
pub fn per(what: &str) -> String {
    format!("{CURRENCY}/{what}")
}

/// An amount at `sig` significant figures in `unit` (the currency, or a unit from [`per`]):
/// `12.3 €`, `-4.56 €/day`.
pub fn amount_in(x: f64, sig: u32, unit: &str) -> String {
    written(&crate::base::units::fmt_figure(Some(x), sig), unit)
}

/// A figure already written (e.g. a chart's short label) in `unit`: `1.2k €`.
pub fn written(figure: &str, unit: &str) -> String {
    format!("{figure} {unit}")
}

/// An amount at `sig` significant figures in the currency: `12.3 €`.
pub fn amount(x: f64, sig: u32) -> String {
    amount_in(x, sig, CURRENCY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_symbol_in_every_form() {
        assert_eq!(currency!("kWh"), format!("{CURRENCY}/kWh"));
        assert_eq!(per("day"), format!("{CURRENCY}/day"));
        assert_eq!(amount(12.345, 3), format!("12.3 {CURRENCY}"));
        assert_eq!(
            amount_in(-4.5, 3, &per("day")),
            format!("-4.50 {CURRENCY}/day")
        );
    }
}
