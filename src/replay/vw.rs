//! Vowpal Wabbit's text format, parsed: `label [importance] ['tag]|namespace[:weight] feature[:value] ...`,
//! features hashed into `2^bits` buckets as Vowpal Wabbit hashes them (namespace, then name), merged
//! where they share a bucket; hostile numbers refused with their line.

use super::shorten;
use crate::learn::ftrl::{hash_feature, hash_str, Feature};

/// Seed of namespace hashes (the default namespace is the empty name).
const NS_SEED: u32 = 0x0075_7777;
/// Hash of the constant (bias) feature every example gets, as in Vowpal Wabbit.
const BIAS_NS: u32 = 0x00B1_A500;

/// One parsed example: label in {0, 1}, importance weight, merged features.
#[derive(Clone, Debug, Default)]
pub(crate) struct Example {
    pub y: f64,
    pub w: f64,
    pub x: Vec<Feature>,
}

/// Lines parsed ahead of the learners (natively, on other threads: see `replay::run_file`): each
/// line's number and what [`parse_line`] made of it; `examples[i]` is line i's example when it is one.
/// A batch is reused, so the examples keep their allocations.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
pub(crate) struct Parsed {
    pub lines: Vec<(u64, Result<bool, String>)>,
    pub examples: Vec<Example>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Parsed {
    /// Lines per batch.
    pub const LINES: usize = 2048;

    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// Parses line number `n` into the batch.
    pub fn push(&mut self, n: u64, line: &[u8], mask: u32) {
        let i = self.lines.len();
        if self.examples.len() <= i {
            self.examples.push(Example::default());
        }
        let r = parse_line(line, mask, &mut self.examples[i]);
        self.lines.push((n, r));
    }
}

/// Largest magnitude of a feature value (after its namespace weight) and of an importance weight.
/// Larger ones are refused with their line rather than clipped: a value of 1e31 is a corrupt field,
/// not a measurement, and clipping would keep the line with its meaning lost, silently; refusing names
/// the line, and `--skip-bad` drops it. The bound keeps FTRL finite: a gradient is at most
/// 1e30 * 1e30 * (the features merged into one bucket, fewer than 1e6 on a 1 MiB line), its square
/// below 1e132, so `n` (a sum of squares) stays finite over any file, where 1e160 made it infinite,
/// the weights NaN and every metric of the lane null (a test replays values at the bound).
pub const MAX_MAGNITUDE: f64 = 1e30;
/// Smallest positive importance weight (see [`weight`]).
const MIN_WEIGHT: f64 = 1e-30;

/// Parses a number token (fast paths for the common one-character labels and values and for whole numbers).
#[inline]
fn number(tok: &[u8]) -> Option<f64> {
    match tok {
        b"1" => Some(1.0),
        b"0" => Some(0.0),
        b"-1" => Some(-1.0),
        _ => integer(tok).or_else(|| decimal(tok)),
    }
}

/// A whole number of at most 15 digits with an optional minus sign, exactly as `str::parse::<f64>` reads
/// it (below 2^53 every integer is a double, and `-0` is minus zero); `None` for anything else.
#[inline]
fn integer(tok: &[u8]) -> Option<f64> {
    let (neg, digits) = match tok.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, tok),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    let v = v as f64;
    Some(if neg { -v } else { v })
}

/// Any other number `str::parse::<f64>` accepts, if finite.
fn decimal(tok: &[u8]) -> Option<f64> {
    std::str::from_utf8(tok)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits on spaces and tabs, skipping empty tokens.
fn tokens(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|&b| is_space(b)).filter(|t| !t.is_empty())
}

/// Parses one line of Vowpal Wabbit text: `label [importance] ['tag]|namespace[:weight] feature[:value] ...`.
/// Returns `Ok(false)` for a blank line. Features are hashed into `mask + 1` buckets (namespace and name),
/// a constant feature is added, and features falling into the same bucket are merged (values summed).
pub(crate) fn parse_line(line: &[u8], mask: u32, ex: &mut Example) -> Result<bool, String> {
    let bar = match line.iter().position(|&b| b == b'|') {
        Some(i) => i,
        None if line.trim_ascii().is_empty() => return Ok(false),
        None => {
            return Err(format!(
                "no `|` before the features: not Vowpal Wabbit text: `{}`",
                shorten(line)
            ))
        }
    };
    head(line, bar, ex)?;
    features(line, bar, mask, ex)?;
    ex.x.push(Feature {
        index: hash_str(BIAS_NS, b"constant") & mask,
        value: 1.0,
    });
    merge(&mut ex.x);
    Ok(true)
}

/// The label, importance weight and tags before the first bar.
fn head(line: &[u8], bar: usize, ex: &mut Example) -> Result<(), String> {
    let mut head = tokens(&line[..bar]);
    let label = match head.next() {
        None => {
            return Err(format!(
                "unlabelled example (the line starts with `|`): `{}`",
                shorten(line)
            ))
        }
        Some(t) => t,
    };
    ex.y = match number(label) {
        Some(1.0) => 1.0,
        Some(-1.0) | Some(0.0) => 0.0,
        _ => {
            return Err(format!(
                "label `{}` is not 1, -1 or 0: `{}`",
                shorten(label),
                shorten(line)
            ))
        }
    };
    ex.w = 1.0;
    let mut numbers = 0;
    for t in head {
        if t[0] == b'\'' {
            continue;
        }
        match number(t) {
            Some(v) if numbers == 0 => {
                ex.w = weight(v, t, line)?;
                numbers += 1;
            }
            Some(_) => {
                return Err(format!(
                    "a second number in the label (Vowpal Wabbit's initial prediction) is not supported: `{}`",
                    shorten(line)
                ))
            }
            // `nan` or `inf` where the importance weight goes: refused, as a `nan` label is.
            None if numbers == 0 && std::str::from_utf8(t).is_ok_and(|s| s.parse::<f64>().is_ok()) => {
                return Err(format!(
                    "importance weight `{}` is not a finite number: `{}`",
                    shorten(t),
                    shorten(line)
                ))
            }
            // An unquoted tag.
            None => {}
        }
    }
    Ok(())
}

/// An importance weight `v` read from token `t`: 0, or from [`MIN_WEIGHT`] to [`MAX_MAGNITUDE`]
/// (weights further apart would make a lane's weighted sums' ratios, such as its
/// calibration, overflow: 1e30 predicted clicks over 1e-300 clicks is infinite).
fn weight(v: f64, t: &[u8], line: &[u8]) -> Result<f64, String> {
    if v < 0.0 {
        return Err(format!(
            "negative importance weight `{}`: `{}`",
            shorten(t),
            shorten(line)
        ));
    }
    if v > MAX_MAGNITUDE {
        return Err(too_large("importance weight", t, line));
    }
    if v > 0.0 && v < MIN_WEIGHT {
        return Err(format!(
            "importance weight `{}` is too small (0, or at least {:e}): `{}`",
            shorten(t),
            MIN_WEIGHT,
            shorten(line)
        ));
    }
    Ok(v)
}

/// The error for a number above [`MAX_MAGNITUDE`].
fn too_large(what: &str, t: &[u8], line: &[u8]) -> String {
    format!(
        "{what} `{}` is too large (above {MAX_MAGNITUDE:e}): `{}`",
        shorten(t),
        shorten(line)
    )
}

/// The features after the first bar, hashed into `mask + 1` buckets.
fn features(line: &[u8], bar: usize, mask: u32, ex: &mut Example) -> Result<(), String> {
    ex.x.clear();
    // One pass over the features: `|namespace[:weight]` then `name[:value]` tokens, hashing as it scans
    // (FNV-1a of the name, then the finaliser: exactly `hash_str`).
    let n = line.len();
    let mut i = bar;
    while i < n {
        // Here line[i] == b'|'. The namespace name follows the bar directly (a space means the default one).
        i += 1;
        let (start, h, colon) = scan(line, &mut i);
        let scale = match colon {
            None => 1.0,
            Some(c) => match number(&line[c + 1..i]) {
                Some(v) if v.abs() <= MAX_MAGNITUDE => v,
                Some(_) => return Err(too_large("namespace weight", &line[start..i], line)),
                None => {
                    return Err(format!(
                        "namespace weight `{}` is not a number: `{}`",
                        shorten(&line[start..i]),
                        shorten(line)
                    ))
                }
            },
        };
        let ns_hash = hash_feature(NS_SEED, h);
        loop {
            while i < n && is_space(line[i]) {
                i += 1;
            }
            if i >= n || line[i] == b'|' {
                break;
            }
            let (start, h, colon) = scan(line, &mut i);
            let value = match colon {
                None => scale,
                Some(c) => match number(&line[c + 1..i]) {
                    Some(v) if (v * scale).abs() <= MAX_MAGNITUDE => v * scale,
                    Some(_) => return Err(too_large("feature value", &line[start..i], line)),
                    None => {
                        return Err(format!(
                            "feature value `{}` is not a number: `{}`",
                            shorten(&line[start..i]),
                            shorten(line)
                        ))
                    }
                },
            };
            if value != 0.0 {
                ex.x.push(Feature {
                    index: hash_feature(ns_hash, h) & mask,
                    value,
                });
            }
        }
    }
    Ok(())
}

/// Byte classes of the scanner: 0 ordinary, 1 colon, 2 end of a token (space, tab, bar).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b':' as usize] = 1;
    t[b' ' as usize] = 2;
    t[b'\t' as usize] = 2;
    t[b'|' as usize] = 2;
    t
};

/// Scans one token from `*i` to the next space, tab or bar: its start, the FNV-1a hash of its name (the
/// bytes before the first `:`, as `hash_str` computes it) and the position of that colon.
#[inline]
fn scan(line: &[u8], i: &mut usize) -> (usize, u32, Option<usize>) {
    let start = *i;
    let mut h: u32 = 0x811C_9DC5;
    let mut j = start;
    while let Some(&c) = line.get(j) {
        if CLASS[c as usize] != 0 {
            break;
        }
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
        j += 1;
    }
    if line.get(j) != Some(&b':') {
        *i = j;
        return (start, h, None);
    }
    let colon = j;
    while let Some(&c) = line.get(j) {
        if CLASS[c as usize] == 2 {
            break;
        }
        j += 1;
    }
    *i = j;
    (start, h, Some(colon))
}

/// Sums the values of features that share a bucket (FTRL's Algorithm 1 works on the set of non-zero
/// coordinates) and drops coordinates whose values cancel (features come with non-zero values, so only
/// a merged one can be zero). Keeps the first occurrence's position.
fn merge(x: &mut Vec<Feature>) {
    let mut merged = false;
    if x.len() <= 64 {
        // A tiny open-addressing set of positions (1-based; 0 is empty), at most half full.
        let mut table = [0u8; 128];
        let mut out = 0;
        for i in 0..x.len() {
            let f = x[i];
            let mut h = (f.index.wrapping_mul(0x9E37_79B1) >> 25) as usize;
            loop {
                match table[h] {
                    0 => {
                        table[h] = (out + 1) as u8;
                        x[out] = f;
                        out += 1;
                        break;
                    }
                    t if x[t as usize - 1].index == f.index => {
                        x[t as usize - 1].value += f.value;
                        merged = true;
                        break;
                    }
                    _ => h = (h + 1) & 127,
                }
            }
        }
        x.truncate(out);
    } else {
        x.sort_by_key(|f| f.index);
        let mut out = 0;
        for i in 0..x.len() {
            if out > 0 && x[out - 1].index == x[i].index {
                x[out - 1].value += x[i].value;
                merged = true;
            } else {
                x[out] = x[i];
                out += 1;
            }
        }
        x.truncate(out);
    }
    if merged {
        x.retain(|f| f.value != 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Option<Example>, String> {
        let mut ex = Example::default();
        parse_line(line.as_bytes(), (1 << 18) - 1, &mut ex).map(|some| some.then_some(ex))
    }

    fn idx(ns: &str, name: &str) -> u32 {
        hash_str(hash_str(NS_SEED, ns.as_bytes()), name.as_bytes()) & ((1 << 18) - 1)
    }

    #[test]
    fn labels_weights_tags_namespaces_and_the_bias() {
        let ex = parse("-1 2.5 'row7|user:0.5 a b:4 |  c").unwrap().unwrap();
        assert_eq!((ex.y, ex.w), (0.0, 2.5));
        let mut want = vec![
            Feature {
                index: idx("user", "a"),
                value: 0.5,
            },
            Feature {
                index: idx("user", "b"),
                value: 2.0,
            },
            Feature {
                index: idx("", "c"),
                value: 1.0,
            },
            Feature {
                index: hash_str(BIAS_NS, b"constant") & ((1 << 18) - 1),
                value: 1.0,
            },
        ];
        let mut got = ex.x.clone();
        got.sort_by_key(|f| f.index);
        want.sort_by_key(|f| f.index);
        assert_eq!(got, want);
        // An unquoted tag, a 0/1 label, zero values dropped.
        let ex = parse("0 tag|a x:0 y").unwrap().unwrap();
        assert_eq!((ex.y, ex.w, ex.x.len()), (0.0, 1.0, 2));
        assert_eq!(parse("1 |a x").unwrap().unwrap().y, 1.0);
        assert!(parse("   ").unwrap().is_none());
        assert!(parse("").unwrap().is_none());
    }

    #[test]
    fn whole_numbers_read_exactly_as_the_float_parser_reads_them() {
        let mut rng = crate::base::rng::Rng::new(8, 1);
        let mut toks: Vec<String> = [
            "0",
            "-0",
            "00",
            "007",
            "-",
            "",
            "+5",
            "1e3",
            "1.5",
            "9007199254740993",
            "999999999999999",
            "1000000000000000",
            "-123456789012345",
            "12a",
            "0x10",
            " 1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..5000 {
            let digits: String = (0..1 + rng.below(18))
                .map(|_| (b'0' + rng.below(10) as u8) as char)
                .collect();
            toks.push(if rng.below(2) == 0 {
                digits
            } else {
                format!("-{digits}")
            });
        }
        for t in &toks {
            let (fast, slow) = (number(t.as_bytes()), decimal(t.as_bytes()));
            assert_eq!(fast.map(f64::to_bits), slow.map(f64::to_bits), "`{t}`");
        }
    }

    #[test]
    fn duplicates_merge_and_cancelling_values_vanish() {
        let ex = parse("1 |a x x:2 y:3 y:-3").unwrap().unwrap();
        assert_eq!(ex.x.len(), 2);
        assert!(ex.x.contains(&Feature {
            index: idx("a", "x"),
            value: 3.0
        }));
        // Many features (the sorting path) merge the same way.
        let mut line = String::from("1 |a");
        for k in 0..100 {
            line.push_str(&format!(" f{} g{}", k % 40, k));
        }
        let ex = parse(&line).unwrap().unwrap();
        assert_eq!(ex.x.len(), 141);
        assert!(ex.x.contains(&Feature {
            index: idx("a", "f3"),
            value: 3.0
        }));
        assert!(ex.x.contains(&Feature {
            index: idx("a", "f39"),
            value: 2.0
        }));
        // The same name in two namespaces is two features.
        assert_eq!(parse("1 |a x |b x").unwrap().unwrap().x.len(), 3);
    }
}
