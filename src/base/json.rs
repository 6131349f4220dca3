//! Numbers in JSON: JSON has no NaN or infinity, so an undefined figure is written as `null`.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// A map from pairs, the last value of a repeated key kept (as `collect` keeps it), built by
/// inserting them one by one. `collect` sorts the pairs first, with a sort instantiated once per
/// iterator type (4-5 KB of wasm each, issue 28): the maps the page receives are built here.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

/// A JSON object from pairs, as [`map_of`] (the same order and the same last value of a key as
/// `collect`).
pub fn object_of(
    pairs: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

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
    fn maps_by_insertion_are_maps_by_collect() {
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        let json = || pairs.map(|(k, v)| (k.to_string(), serde_json::Value::from(v)));
        assert_eq!(
            object_of(json()),
            json().into_iter().collect::<serde_json::Map<_, _>>()
        );
    }

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
