//! The ads world's observable stream as a click log in Vowpal Wabbit text: every request of the
//! warm-up and the horizon, the ad a uniformly random logging policy showed (the warm-up's policy,
//! which every lane's model can learn from without bias), the features the models see and the
//! logged click (`1` or `-1`). `rtml replay` reads it with no other option.
//!
//! Namespaces: `s` segment x category (`u` for a new user's unknown segment), `i` session intent x
//! category, `h` hour x category, `w` weekend x category, `a` the ad; the replay adds the constant.

use super::World;
use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::Config;
use std::io::Write;

/// Writes the click log of `cfg`'s world.
pub fn write(cfg: &Config, out: &mut dyn Write) -> std::io::Result<()> {
    let t0 = -cfg.warmup * MINUTES_PER_DAY;
    let end = cfg.days * MINUTES_PER_DAY;
    let mut world = World::new(cfg, t0);
    let mut truth = Vec::new();
    while world.peek(end).is_some() {
        let req = world.draw(&mut truth, true);
        let live = &world.cat.live[req.top];
        let ad = world.cat.active[req.top];
        let cat = live.category;
        let seg = if req.known {
            format!("{}", req.segment)
        } else {
            "u".into()
        };
        let click = if req.u_click < req.p_top { "1" } else { "-1" };
        writeln!(
            out,
            "{click} |s {seg}_{cat} |i {}_{cat} |h {}_{cat} |w {}_{cat} |a {ad}",
            req.intent, req.hour, req.weekend as u8
        )?;
    }
    Ok(())
}
