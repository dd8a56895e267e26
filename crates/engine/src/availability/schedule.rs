//! Step 9: the credit percent an availability term's schedule gives for a
//! measured uptime. Public: due diligence asks it for a what-if uptime.

use super::dec_str;
use crate::num::{ceil, fmt_rat, hundred, rat, Rat};
use crate::terms::{BreachWhen, Schedule};
use num_traits::Zero;
use rust_decimal::Decimal;

impl BreachWhen {
    /// Whether `uptime` is beyond `threshold` (a target or a tier's
    /// `below`), compared exactly.
    pub fn hits(self, uptime: &Rat, threshold: &Rat) -> bool {
        match self {
            BreachWhen::Below => uptime < threshold,
            BreachWhen::AtOrBelow => uptime <= threshold,
        }
    }

    fn words(self) -> &'static str {
        match self {
            BreachWhen::Below => "below",
            BreachWhen::AtOrBelow => "at or below",
        }
    }
}

/// The schedule's percent for an availability term (spec 3.9; terms v2
/// section 2 for `when`). `breached` is `when.hits(uptime, target)` except
/// where D = 0, which is never breached.
pub fn schedule_percent(
    schedule: &Schedule,
    when: BreachWhen,
    uptime: &Rat,
    target: &Rat,
    breached: bool,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>) {
    match schedule {
        Schedule::Tiers(tiers) => {
            let hit = tiers
                .iter()
                .filter(|t| breached && when.hits(uptime, &rat(t.below)))
                .max_by(|a, b| a.percent.cmp(&b.percent));
            let w = when.words();
            match hit {
                Some(t) => {
                    // v1's sentence is kept word for word for "below".
                    let under = if when == BreachWhen::Below {
                        "under"
                    } else {
                        w
                    };
                    trace.push(format!("Tier: uptime is {w} {}, so {} % applies (the largest percent among tiers whose `below` the uptime is {under}).", dec_str(&t.below), dec_str(&t.percent)));
                    (rat(t.percent), Some(t.below))
                }
                None => {
                    trace.push(format!("Tier: uptime is not {w} any tier: 0 %."));
                    (Rat::zero(), None)
                }
            }
        }
        Schedule::PerStep {
            step,
            percent_per_step,
        } => {
            if !breached {
                trace.push("per_step: uptime meets the target: 0 %.".into());
                return (Rat::zero(), None);
            }
            // max(1, ..) only matters at uptime = target (at_or_below):
            // below the target the ceiling is already 1 or more.
            let steps = ceil(&((target - uptime) / rat(*step))).max(1.into());
            let raw = Rat::from_integer(steps.clone()) * rat(*percent_per_step);
            let pct = raw.clone().min(hundred());
            trace.push(format!(
                "per_step: {}((target - uptime) / {}){} = {} step(s) x {} % = {} %{}.",
                if when == BreachWhen::AtOrBelow {
                    "max(1, ceil"
                } else {
                    "ceil"
                },
                dec_str(step),
                if when == BreachWhen::AtOrBelow {
                    ")"
                } else {
                    ""
                },
                steps,
                dec_str(percent_per_step),
                fmt_rat(&raw, 0),
                if raw > hundred() {
                    ", limited to 100 %"
                } else {
                    ""
                }
            ));
            (pct, None)
        }
        Schedule::Multiplier(m) => {
            if !breached {
                trace.push("multiplier: uptime meets the target: 0 %.".into());
                return (Rat::zero(), None);
            }
            let raw = rat(*m) * (hundred() - uptime);
            let pct = raw.clone().min(hundred());
            trace.push(format!(
                "multiplier: {} x (100 - uptime) = {} %{}.",
                dec_str(m),
                fmt_rat(&raw, 0),
                if raw > hundred() {
                    ", limited to 100 %"
                } else {
                    ""
                }
            ));
            (pct, None)
        }
        Schedule::PerBreach(_) => (Rat::zero(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::Tier;
    use std::str::FromStr;

    fn r(s: &str) -> Rat {
        rat(Decimal::from_str(s).unwrap())
    }

    fn pct(s: &Schedule, when: BreachWhen, uptime: &str) -> (Rat, Vec<String>) {
        let (u, t) = (r(uptime), r("99.9"));
        let mut trace = Vec::new();
        let p = schedule_percent(s, when, &u, &t, when.hits(&u, &t), &mut trace).0;
        (p, trace)
    }

    #[test]
    fn at_or_below_differs_from_below_only_at_a_threshold() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let tiers = Schedule::Tiers(vec![
            Tier {
                below: d("99.9"),
                percent: d("10"),
            },
            Tier {
                below: d("99.0"),
                percent: d("25"),
            },
        ]);
        let (p, trace) = pct(&tiers, BreachWhen::AtOrBelow, "99.9");
        assert_eq!(p, r("10"));
        assert!(trace[0].contains("uptime is at or below 99.9, so 10 %"));
        assert_eq!(pct(&tiers, BreachWhen::Below, "99.9").0, r("0"));
        assert_eq!(pct(&tiers, BreachWhen::AtOrBelow, "99.0").0, r("25"));
        assert_eq!(pct(&tiers, BreachWhen::Below, "99.0").0, r("10"));
        assert_eq!(pct(&tiers, BreachWhen::AtOrBelow, "99.95").0, r("0"));

        let step = Schedule::PerStep {
            step: d("0.1"),
            percent_per_step: d("5"),
        };
        let (p, trace) = pct(&step, BreachWhen::AtOrBelow, "99.9");
        assert_eq!(p, r("5"));
        assert!(
            trace[0].starts_with(
                "per_step: max(1, ceil((target - uptime) / 0.1)) = 1 step(s) x 5 % = 5 %"
            ),
            "{trace:?}"
        );
        assert_eq!(pct(&step, BreachWhen::Below, "99.9").0, r("0"));
        // ceil(0.15 / 0.1) = 2 either way.
        assert_eq!(pct(&step, BreachWhen::AtOrBelow, "99.75").0, r("10"));
        assert_eq!(pct(&step, BreachWhen::Below, "99.75").0, r("10"));

        let m = Schedule::Multiplier(d("10"));
        assert_eq!(pct(&m, BreachWhen::AtOrBelow, "99.9").0, r("1"));
        assert_eq!(pct(&m, BreachWhen::Below, "99.9").0, r("0"));
    }
}
