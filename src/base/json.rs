//! Numbers in JSON: JSON has no NaN or infinity, so an undefined figure is written as `null`.

use serde::{Serialize, Serializer};

/// A number as a JSON value: `null` when it is not finite.
pub fn json_num(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// A figure in a serde type that is written as a JSON number, or `null` when it is not finite (also
/// through serde-wasm-bindgen, where a bare `f64` would become a JavaScript `NaN`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_none()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_figures_are_null() {
        assert_eq!(json_num(f64::NAN), serde_json::Value::Null);
        assert_eq!(json_num(f64::INFINITY), serde_json::Value::Null);
        assert_eq!(json_num(2.5).to_string(), "2.5");
        assert_eq!(serde_json::to_string(&Num(f64::NAN)).unwrap(), "null");
        // The typed and the untyped forms write the same text.
        for x in [3.0, 0.1, -1e300, 13779.301575028967] {
            assert_eq!(
                serde_json::to_string(&Num(x)).unwrap(),
                json_num(x).to_string()
            );
        }
    }
}
