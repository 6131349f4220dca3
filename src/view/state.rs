//! The page's whole state as a readable URL hash: `#preset=ads-drift&seed=3&b.every=6h&metric=regret_pct`.
//!
//! Parsing never fails: an unknown key or an invalid value becomes a notice, and that field keeps its
//! default. Writing gives the preset plus only the settings that differ from it, so links stay short.

use crate::base::echo::clip_quoted;
use crate::sim::config::{Config, Scenario};
use crate::sim::presets::preset;
use crate::sim::series::metric;
use crate::view::panels::{panel_key, Panels};

/// Page options that are not simulation settings.
const PAGE_KEYS: [&str; 7] = [
    "preset", "metric", "view", "hide", "embed", "caption", "tab",
];

/// Everything a link restores.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub config: Config,
    pub preset: Option<String>,
    pub metric: String,
    pub cumulative: bool,
    /// Controls hidden by a lesson link (knob keys, or groups such as `lanes`).
    pub hide: Vec<String>,
    pub embed: bool,
    /// Page tab: `run` (default), `answer`, `sweep`, `replay` or `whatif`.
    pub tab: String,
    /// A teacher's own caption, shown as plain text in place of the preset's (see [`clean_caption`]).
    pub caption: Option<String>,
    /// The study panels' inputs (`answer.seeds=3`, `sweep.values=1h,1d`, `seeds=10`).
    pub panels: Panels,
}

/// The longest caption a link may carry, in characters.
pub const CAPTION_MAX: usize = 280;

/// Whether `c` is a bidirectional control (U+202A-202E embeddings and overrides, U+2066-2069
/// isolates) or a zero-width character (U+200B-200D, U+2060, U+FEFF): invisible, and able to make a
/// caption read other than it is (`%E2%80%AEevil` shows reversed). A caption drops them.
pub fn is_hidden_char(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// A link's caption as plain text: control characters (line breaks included) become spaces, runs of
/// spaces one, bidirectional controls and zero-width characters dropped ([`is_hidden_char`]), at most
/// [`CAPTION_MAX`] characters (an ellipsis marks a cut); `None` when empty. The page only ever sets it
/// as text, never as HTML.
pub fn clean_caption(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars().filter(|&c| !is_hidden_char(c)) {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end();
    if out.is_empty() {
        return None;
    }
    if out.chars().count() > CAPTION_MAX {
        let cut: String = out.chars().take(CAPTION_MAX - 1).collect();
        return Some(cut.trim_end().to_string() + "…");
    }
    Some(out.to_string())
}

impl Default for State {
    fn default() -> Self {
        State::from_preset("ads-batch-vs-online")
    }
}

/// Percent-decoding of a hash component (`+` is a space); invalid escapes are kept as they are.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of what a readable hash value may not contain.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-_.,:~".contains(c) {
            out.push(c);
        } else {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

impl State {
    /// A preset's state.
    pub fn from_preset(name: &str) -> Self {
        let p = preset(name).expect("known preset");
        State {
            config: p.config(),
            preset: Some(name.to_string()),
            metric: p.metric.to_string(),
            cumulative: false,
            hide: Vec::new(),
            embed: false,
            tab: "run".into(),
            caption: None,
            panels: Panels::default(),
        }
    }

    /// Parses a hash (with or without the leading `#`). Returns the state and the notices for
    /// whatever was ignored.
    pub fn parse(hash: &str) -> (State, Vec<String>) {
        let mut notices = Vec::new();
        let pairs = split_pairs(hash, &mut notices);
        // The preset (or the scenario) comes first, whatever its place in the link.
        let mut state = State::base(&pairs, &mut notices);
        let mut metric_value = None;
        // The what-if's knob before its values, whose default is the knob's example values.
        let knob_first = (pairs.iter().filter(|p| p.0 == "whatif.knob"))
            .chain(pairs.iter().filter(|p| p.0 != "whatif.knob"));
        for (k, v) in knob_first {
            match k.as_str() {
                "preset" | "scenario" => {}
                "caption" => {
                    let hidden = v.chars().filter(|&c| is_hidden_char(c)).count();
                    if hidden > 0 {
                        notices.push(format!(
                            "caption: removed {hidden} invisible or direction-changing character{} (bidirectional controls, zero-width characters)",
                            if hidden == 1 { "" } else { "s" }
                        ));
                    }
                    state.caption = clean_caption(v);
                }
                "metric" => metric_value = Some(v.clone()),
                _ => state.set_pair(k, v, &mut notices),
            }
        }
        if let Err(e) = state.panels.settle_whatif() {
            notices.push(e);
        }
        if let Some(m) = metric_value {
            if metric(state.config.scenario, &m).is_some() {
                state.metric = m;
            } else {
                notices.push(format!(
                    "metric: `{}` is not a metric of this scenario; showing {}",
                    short(&m),
                    state.metric
                ));
            }
        }
        if metric(state.config.scenario, &state.metric).is_none() {
            state.metric = state.config.scenario.default_metric().into();
        }
        // A notice repeats at most the first characters of what the link held.
        let notices = notices.iter().map(|n| clip_quoted(n)).collect();
        (state, notices)
    }

    /// The state a link starts from: its preset, or its scenario's defaults.
    fn base(pairs: &[(String, String)], notices: &mut Vec<String>) -> State {
        let mut state = State::default();
        let mut explicit_preset = false;
        if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "preset") {
            match preset(v) {
                Some(_) => {
                    state = State::from_preset(v);
                    explicit_preset = true;
                }
                None => notices.push(format!(
                    "preset: `{}` is not a preset; showing the default one",
                    short(v)
                )),
            }
        }
        if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "scenario") {
            match v.parse::<Scenario>().ok() {
                // A scenario without a preset is that scenario's defaults, not the default preset.
                Some(s) if s != state.config.scenario || !explicit_preset => {
                    if explicit_preset {
                        // Two keys that disagree: the scenario wins, and the link says so.
                        notices.push(format!(
                            "preset: `{}` is not a {} preset; showing the {} scenario's defaults",
                            state.preset.as_deref().unwrap_or_default(),
                            s.name(),
                            s.name()
                        ));
                    }
                    state.config = Config::for_scenario(s);
                    state.preset = None;
                    state.metric = s.default_metric().into();
                }
                Some(_) => {}
                None => notices.push(format!(
                    "scenario: `{}` is not valid; expected one of {}",
                    short(v),
                    Scenario::NAMES.join(", ")
                )),
            }
        }
        state
    }

    /// One `key=value` of a link other than the preset, scenario, metric and caption.
    fn set_pair(&mut self, k: &str, v: &str, notices: &mut Vec<String>) {
        match k {
            "view" => match v {
                "cumulative" => self.cumulative = true,
                "windowed" => self.cumulative = false,
                _ => notices.push(format!(
                    "view: `{}` is not valid; expected windowed or cumulative",
                    short(v)
                )),
            },
            "hide" => {
                self.hide = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .take(100)
                    .map(|s| s.trim().to_string())
                    .collect()
            }
            "embed" => self.embed = matches!(v, "1" | "true" | "yes" | ""),
            "tab" => match v {
                "run" | "sweep" | "replay" | "answer" | "whatif" => self.tab = v.to_string(),
                _ => notices.push(format!(
                    "tab: `{}` is not valid; expected run, answer, sweep, replay or whatif",
                    short(v)
                )),
            },
            _ if panel_key(k).is_some() => {
                if let Err(e) = self.panels.set(k, v) {
                    // An input whose value is empty (no other settings, the configuration's own
                    // simulator error) says so in words, not with nothing after "kept".
                    let kept = self.panels.get(k);
                    let kept = if kept.is_empty() {
                        "the default".into()
                    } else {
                        kept
                    };
                    notices.push(format!("{e}; kept {kept}"));
                }
            }
            _ => {
                if let Err(e) = self.config.set(k, v) {
                    let kept = (self.config.pairs().into_iter())
                        .find(|p| p.0 == k)
                        .map(|p| p.1)
                        .unwrap_or_else(|| "the default".into());
                    notices.push(format!("{e}; kept {kept}"));
                }
            }
        }
    }

    /// The hash for this state: the preset (or scenario), then only what differs from it.
    pub fn to_hash(&self) -> String {
        let (base, mut out) = match self.preset.as_deref().and_then(preset) {
            Some(p) => (p.config(), vec![format!("preset={}", p.name)]),
            None => (
                Config::for_scenario(self.config.scenario),
                vec![format!("scenario={}", self.config.scenario)],
            ),
        };
        let base_pairs = base.pairs();
        for (k, v) in self.config.pairs() {
            if k == "scenario" {
                continue;
            }
            if base_pairs
                .iter()
                .find(|p| p.0 == k)
                .map(|p| p.1 != v)
                .unwrap_or(true)
            {
                out.push(format!("{}={}", encode(&k), encode(&v)));
            }
        }
        let default_metric = self
            .preset
            .as_deref()
            .and_then(preset)
            .map(|p| p.metric)
            .unwrap_or(self.config.scenario.default_metric());
        if self.metric != default_metric {
            out.push(format!("metric={}", encode(&self.metric)));
        }
        if self.cumulative {
            out.push("view=cumulative".into());
        }
        if !self.hide.is_empty() {
            out.push(format!(
                "hide={}",
                self.hide
                    .iter()
                    .map(|h| encode(h))
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        if self.embed {
            out.push("embed=1".into());
        }
        if self.tab != "run" {
            out.push(format!("tab={}", self.tab));
        }
        for (k, v) in self.panels.changed() {
            out.push(format!("{k}={}", encode(v)));
        }
        if let Some(c) = &self.caption {
            out.push(format!("caption={}", encode(c)));
        }
        out.join("&")
    }

    /// The hash of this view outside a frame: without `embed` and `hide` (the "open in full" link).
    pub fn full_hash(&self) -> String {
        State {
            embed: false,
            hide: Vec::new(),
            ..self.clone()
        }
        .to_hash()
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "..."
    } else {
        s.to_string()
    }
}

/// Whether a key is a page option or a panel input rather than a simulation setting.
pub fn is_page_key(k: &str) -> bool {
    PAGE_KEYS.contains(&k) || panel_key(k).is_some()
}

/// The `key=value` pairs of a link (at most 200; a notice says when there were more).
fn split_pairs(hash: &str, notices: &mut Vec<String>) -> Vec<(String, String)> {
    let body = hash.trim().trim_start_matches('#');
    if body.split('&').count() > 200 {
        notices.push("the link has more than 200 settings; the rest were ignored".into());
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .take(200)
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::whatif;

    #[test]
    fn round_trips_through_the_hash() {
        let (mut s, n) = State::parse("#preset=ads-drift&seed=7&b.every=6h&metric=ctr&view=cumulative&hide=seed,lanes&embed=1");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s.config.seed, 7);
        assert_eq!(s.config.lanes[1].every, 6.0);
        assert_eq!(s.metric, "ctr");
        assert!(s.cumulative && s.embed);
        assert_eq!(s.hide, vec!["seed", "lanes"]);
        let h = s.to_hash();
        let (t, n) = State::parse(&h);
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s, t, "{h}");
        s.preset = None;
        let (u, _) = State::parse(&s.to_hash());
        assert_eq!(s.config, u.config);
    }

    #[test]
    fn a_caption_is_plain_text_of_bounded_length_and_round_trips() {
        let (s, n) = State::parse(
            "#preset=ads-drift&caption=Why%20does%20C%0Arecover%3F%20%3Cb%3Eno%3C%2Fb%3E",
        );
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s.caption.as_deref(), Some("Why does C recover? <b>no</b>"));
        let (t, _) = State::parse(&s.to_hash());
        assert_eq!(s, t, "{}", s.to_hash());
        let long = "a".repeat(1000);
        let c = clean_caption(&long).unwrap();
        assert_eq!(c.chars().count(), CAPTION_MAX);
        assert!(c.ends_with('…'));
        assert_eq!(clean_caption(" \n\t "), None);
        assert_eq!(State::parse("#caption=").0.caption, None);
    }

    #[test]
    fn a_caption_drops_bidi_controls_and_zero_width_characters_with_a_notice() {
        let (s, n) =
            State::parse("#caption=%E2%80%AEevil%E2%80%8B%20twin%EF%BB%BF%E2%81%A6x%E2%81%A9");
        assert_eq!(s.caption.as_deref(), Some("evil twinx"));
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].contains("removed 5"), "{n:?}");
        assert_eq!(clean_caption("\u{202E}\u{200D}"), None);
        let (s, n) = State::parse("#caption=plain%20text");
        assert_eq!((s.caption.as_deref(), n.len()), (Some("plain text"), 0));
    }

    #[test]
    fn a_notice_echoes_at_most_sixty_characters_of_a_long_key_or_value() {
        let key = "k".repeat(200_000);
        let (_, n) = State::parse(&format!("#{key}=1&seed={}", "9".repeat(10_000)));
        assert_eq!(n.len(), 2, "{n:?}");
        for m in &n {
            assert!(m.chars().count() < 300, "{} chars: {}", m.len(), &m[..200]);
        }
    }

    #[test]
    fn garbage_gives_notices_and_defaults() {
        for h in [
            "#%%%&&&==&preset=nope&volume=-1&a.mode=<script>alert(1)</script>&zzz=1&metric=mae",
            "#",
            "",
            "#=&=&a.=1&.x=2",
            "#seed=99999999999999999999",
            "#%E2%82",
            "#preset",
        ] {
            let (s, _) = State::parse(h);
            s.config.validate().unwrap();
            assert!(metric(s.config.scenario, &s.metric).is_some());
        }
        let (s, n) = State::parse("#preset=nope&volume=-1&a.mode=<script>&zzz=1");
        assert_eq!(s.config, State::default().config);
        assert_eq!(n.len(), 4, "{n:?}");
        assert!(n.iter().any(|m| m.starts_with("volume:")));
    }

    #[test]
    fn a_scenario_without_a_preset_is_not_the_default_preset() {
        let (s, n) = State::parse("#scenario=ads&volume=300");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s.preset, None);
        assert_eq!(s.config.ads.volume, 300.0);
        assert_eq!(s.config.lanes, Config::for_scenario(Scenario::Ads).lanes);
        assert_eq!(
            State::parse("#preset=ads-drift&scenario=ads")
                .0
                .preset
                .as_deref(),
            Some("ads-drift")
        );
    }

    #[test]
    fn a_preset_of_another_scenario_gives_way_to_the_scenario_with_a_notice() {
        let (s, n) = State::parse("#scenario=cells&preset=ads-drift");
        assert_eq!((s.config.scenario, s.preset), (Scenario::Cells, None));
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].contains("`ads-drift` is not a cells preset"), "{n:?}");
    }

    #[test]
    fn a_tiny_or_huge_number_is_written_as_short_as_it_reads_back() {
        let (s, n) = State::parse("#volume=1e-300&answer.kwh=1e-9");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(
            s.to_hash(),
            "preset=ads-batch-vs-online&volume=1e-300&answer.kwh=1e-9"
        );
        assert_eq!(State::parse(&s.to_hash()).0, s);
        let (s, _) = State::parse("#volume=0.1234567");
        assert!(s.to_hash().ends_with("volume=0.1234567"), "{}", s.to_hash());
        assert_eq!(crate::base::units::fmt_exact(1e300), "1e300");
        assert_eq!(crate::base::units::fmt_exact(-2.5e20), "-2.5e20");
        assert_eq!(crate::base::units::fmt_exact(1000.0), "1000");
    }

    #[test]
    fn the_what_if_values_are_read_by_their_knob() {
        // Out of the knob's range, or twice: the knob's example values, and why.
        for (h, why) in [
            ("#whatif.values=-1,2", "threshold: `-1` is not valid"),
            ("#whatif.values=0.1,0.1", "`0.1` is given twice"),
            (
                "#whatif.knob=wake&whatif.values=0,60",
                "wake: `60` is not valid",
            ),
        ] {
            let (s, n) = State::parse(h);
            let example = whatif::default_values(&s.panels.get("whatif.knob"));
            assert_eq!(s.panels.get("whatif.values"), example, "{h}");
            assert_eq!(n.len(), 1, "{h}: {n:?}");
            assert!(
                n[0].starts_with(&format!("whatif.values: {why}")),
                "{h}: {n:?}"
            );
        }
        // A knob alone brings its example values; the wake time takes durations, as the knob does.
        let (s, n) = State::parse("#whatif.knob=wake");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(
            s.panels.get("whatif.values"),
            whatif::default_values("wake")
        );
        assert_eq!(State::parse(&s.to_hash()).0, s);
        let (s, n) = State::parse("#whatif.values=2,0.1h&whatif.knob=wake");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s.panels.get("whatif.values"), "2,0.1h");
        // Values equal to another knob's examples are kept, in either order, and round-trip.
        let coverage = "whatif.knob=coverage&whatif.values=0.2,0.3";
        for h in [
            coverage.to_string(),
            "whatif.values=0.2,0.3&whatif.knob=coverage".into(),
        ] {
            let (s, _) = State::parse(&h);
            assert_eq!(s.panels.get("whatif.values"), "0.2,0.3", "{h}");
            assert_eq!(State::parse(&s.to_hash()).0, s, "{h}");
        }
        let threshold = whatif::DEFAULT_VALUES;
        for h in [
            format!("whatif.knob=coverage&whatif.values={threshold}"),
            format!("whatif.values={threshold}&whatif.knob=coverage"),
        ] {
            let (s, n) = State::parse(&h);
            assert!(n.is_empty(), "{h}: {n:?}");
            assert_eq!(s.panels.get("whatif.values"), threshold, "{h}");
            assert_eq!(State::parse(&s.to_hash()).0, s, "{h}");
        }
    }

    #[test]
    fn scenario_switch_uses_that_scenarios_defaults() {
        let (s, n) = State::parse("scenario=cells&threshold=0.35");
        assert!(n.is_empty());
        assert_eq!(s.config.scenario, Scenario::Cells);
        assert_eq!(s.config.cells.threshold, 0.35);
        assert_eq!(s.metric, "energy_saved_pct");
        assert_eq!(s.to_hash(), "scenario=cells&threshold=0.35");
    }

    #[test]
    fn a_refused_panel_input_whose_kept_value_is_empty_names_the_default() {
        for h in [
            "#tab=answer&answer.sets=zzz%3D1",
            "#tab=whatif&whatif.error=11",
            "#tab=replay&trace.groups=a%20(abc)",
        ] {
            let (_, n) = State::parse(h);
            assert_eq!(n.len(), 1, "{h}: {n:?}");
            assert!(n[0].ends_with("; kept the default"), "{h}: {n:?}");
        }
        // A value that is not empty is named as before.
        let (_, n) = State::parse("#answer.seeds=0");
        let kept = format!("; kept {}", Panels::default().get("answer.seeds"));
        assert!(n[0].ends_with(&kept), "{n:?}");
    }

    #[test]
    fn decoding_is_total() {
        assert_eq!(decode("a%20b+c"), "a b c");
        assert_eq!(decode("%"), "%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(encode("a b<"), "a%20b%3C");
    }
}
