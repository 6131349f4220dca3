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

/// A finite number as serde_json writes it: the shortest digits that read back (Rust's own, as
/// `{:e}` writes them), in fixed notation for decimal exponents -5 to 15 (`0.00005`, `14.0`) and
/// as `1.5e+16` or `1e-6` outside. serde_json writes the same text with a float formatter of its
/// own (the `zmij` crate, 10 KB of tables in the wasm); [`to_string_pretty`] writes through this.
pub fn f64_text(x: f64) -> String {
    let mut sci = format!("{x:e}");
    // Of the shortest forms that read back, the nearest to the number and, at a tie, the even one
    // (as zmij; Rust's shortest form may round a tie up): the number correctly rounded to as many
    // digits, when that reads back.
    let digits = sci
        .split('e')
        .next()
        .unwrap_or("")
        .bytes()
        .filter(u8::is_ascii_digit)
        .count();
    let nearest = format!("{x:.*e}", digits.saturating_sub(1));
    if nearest.parse::<f64>() == Ok(x) {
        sci = nearest;
    }
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mant) = match mant.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mant),
    };
    let digits = mant.replace('.', "");
    let zeros = |n: i32| "0".repeat(n.max(0) as usize);
    let body = if (-5..=15).contains(&exp) && exp >= 0 {
        let int = exp as usize + 1;
        match digits.get(int..) {
            Some(frac) if !frac.is_empty() => format!("{}.{frac}", &digits[..int]),
            _ => format!("{digits}{}.0", zeros(int as i32 - digits.len() as i32)),
        }
    } else if (-5..=15).contains(&exp) {
        format!("0.{}{digits}", zeros(-exp - 1))
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let plus = if exp >= 0 { "+" } else { "" };
        format!("{first}{dot}{rest}e{plus}{exp}")
    };
    format!("{sign}{body}")
}

/// serde_json's pretty formatter with its numbers written by [`f64_text`].
struct Pretty(serde_json::ser::PrettyFormatter<'static>);

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*)),*) => {$(
        fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
            self.0.$name(w $(, $arg)*)
        }
    )*};
}

impl serde_json::ser::Formatter for Pretty {
    delegate!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        begin_object_value(),
        end_object_value()
    );

    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, x: f64) -> std::io::Result<()> {
        w.write_all(f64_text(x).as_bytes())
    }
}

/// `serde_json::to_string_pretty`, the same text (a test checks), through [`f64_text`].
pub fn to_string_pretty<T: Serialize + ?Sized>(v: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty(Default::default()));
    match v.serialize(&mut ser) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
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

    /// Every kind of finite number (random bit patterns, both notations' edges, subnormals, integers)
    /// is written as serde_json writes it.
    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            14.0,
            0.1,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e21,
        ];
        for e in -8..=18 {
            for m in [1.0, 1.5, 2.5, 9.999_999_999_999_998, 123_456.789] {
                xs.push(m * 10f64.powi(e));
                xs.push(-m * 10f64.powi(e));
            }
        }
        for _ in 0..200_000 {
            let bits = next();
            xs.push(f64::from_bits(bits));
            xs.push((bits >> 11) as f64 / 1024.0);
            xs.push((bits % 100_000) as f64 / 1000.0);
        }
        for x in xs.into_iter().filter(|x| x.is_finite()) {
            assert_eq!(f64_text(x), serde_json::to_string(&x).unwrap(), "{x:e}");
        }
        let v = serde_json::json!({"a": [1.5, 2, {"b": 1e300, "c": []}], "d": {}, "e": "x\"y", "f": null});
        assert_eq!(
            to_string_pretty(&v),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }

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
