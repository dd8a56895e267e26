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

/// What a days-of-service tier needs (terms v2 section 3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DaysOfService {
    /// N: the local calendar days of the line's month, before any cut.
    pub days_in_period: u32,
    pub cap_days: Option<Decimal>,
}

/// The schedule's percent for an availability term (spec 3.9; terms v2
/// section 2 for `when`). `breached` is `when.hits(uptime, target)` except
/// where D = 0, which is never breached. The third value is the days of a
/// days-of-service tier, after `cap_days`.
pub fn schedule_percent(
    schedule: &Schedule,
    when: BreachWhen,
    uptime: &Rat,
    target: &Rat,
    breached: bool,
    dos: DaysOfService,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>, Option<Decimal>) {
    if let Schedule::Tiers(_) = schedule {
        let (pct, below) = tier_percent(schedule, when, uptime, breached, trace);
        let tier = match schedule {
            Schedule::Tiers(ts) => ts.iter().find(|t| Some(t.below) == below),
            _ => None,
        };
        return match tier.and_then(|t| t.days) {
            Some(days) => {
                let (p, d) = days_percent(days, dos, trace);
                (p, below, Some(d))
            }
            None => (pct, below, None),
        };
    }
    let (p, b) = shortfall_percent(schedule, when, uptime, target, breached, trace);
    (p, b, None)
}

/// A days tier: days (after `cap_days`) x 100 / N.
fn days_percent(days: Decimal, dos: DaysOfService, trace: &mut Vec<String>) -> (Rat, Decimal) {
    let capped = dos.cap_days.map_or(days, |c| days.min(c));
    let n = dos.days_in_period;
    let pct = rat(capped) * hundred() / Rat::from_integer(n.into());
    trace.push(format!(
        "Days of service: {} day(s){}; percent = {} x 100 / N = {} (N = {n} local days in the month).",
        dec_str(&days),
        match dos.cap_days {
            Some(c) if c < days => format!(", capped by cap_days {} to {} day(s)", dec_str(&c), dec_str(&capped)),
            _ => String::new(),
        },
        dec_str(&capped),
        fmt_rat(&pct, 0)
    ));
    (pct, capped)
}

fn tier_percent(
    schedule: &Schedule,
    when: BreachWhen,
    uptime: &Rat,
    breached: bool,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>) {
    match schedule {
        Schedule::Tiers(tiers) => {
            let hit = tiers
                .iter()
                .filter(|t| breached && when.hits(uptime, &rat(t.below)))
                .max_by(|a, b| a.percent.cmp(&b.percent).then(a.days.cmp(&b.days)));
            let w = when.words();
            match hit {
                Some(t) => {
                    // v1's sentence is kept word for word for "below".
                    let under = if when == BreachWhen::Below {
                        "under"
                    } else {
                        w
                    };
                    match t.days {
                        None => trace.push(format!("Tier: uptime is {w} {}, so {} % applies (the largest percent among tiers whose `below` the uptime is {under}).", dec_str(&t.below), dec_str(&t.percent))),
                        Some(d) => trace.push(format!("Tier: uptime is {w} {}, so {} day(s) of service apply (the most days among tiers whose `below` the uptime is {under}).", dec_str(&t.below), dec_str(&d))),
                    }
                    (rat(t.percent), Some(t.below))
                }
                None => {
                    trace.push(format!("Tier: uptime is not {w} any tier: 0 %."));
                    (Rat::zero(), None)
                }
            }
        }
        _ => (Rat::zero(), None),
    }
}

fn shortfall_percent(
    schedule: &Schedule,
    when: BreachWhen,
    uptime: &Rat,
    target: &Rat,
    breached: bool,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>) {
    match schedule {
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
        Schedule::PerBreach(_) | Schedule::Tiers(_) => (Rat::zero(), None),
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
        let dos = DaysOfService {
            days_in_period: 30,
            cap_days: None,
        };
        let p = schedule_percent(s, when, &u, &t, when.hits(&u, &t), dos, &mut trace).0;
        (p, trace)
    }

    #[test]
    fn at_or_below_differs_from_below_only_at_a_threshold() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let tiers = Schedule::Tiers(vec![
            Tier {
                below: d("99.9"),
                percent: d("10"),
                days: None,
            },
            Tier {
                below: d("99.0"),
                percent: d("25"),
                days: None,
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

#[cfg(test)]
mod days_tests {
    use super::*;
    use crate::terms::Tier;

    #[test]
    fn days_of_service_are_days_over_the_months_days() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let tier = |below: &str, days: &str| Tier {
            below: d(below),
            percent: Decimal::ZERO,
            days: Some(d(days)),
        };
        let s = Schedule::Tiers(vec![
            tier("99.9", "3"),
            tier("99.0", "7"),
            tier("95.0", "15"),
        ]);
        let run = |uptime: &str, n: u32, cap: Option<&str>| {
            let (u, t) = (rat(d(uptime)), rat(d("99.9")));
            let dos = DaysOfService {
                days_in_period: n,
                cap_days: cap.map(d),
            };
            let mut trace = Vec::new();
            let (p, below, days) =
                schedule_percent(&s, BreachWhen::Below, &u, &t, u < t, dos, &mut trace);
            (p, below, days, trace)
        };
        // 98.5 % in a 30-day month: 7 days = 7 x 100 / 30 %.
        let (p, below, days, trace) = run("98.5", 30, None);
        assert_eq!(
            (p, below, days),
            (Rat::new(70.into(), 3.into()), Some(d("99.0")), Some(d("7")))
        );
        assert_eq!(trace[1], "Days of service: 7 day(s); percent = 7 x 100 / N = 23.33333333333333333333 (N = 30 local days in the month).");
        // Below 95 in February 2026 (28 days), capped to 10 days.
        let (p, _, days, trace) = run("90", 28, Some("10"));
        assert_eq!((p, days), (Rat::new(250.into(), 7.into()), Some(d("10"))));
        assert!(
            trace[1].starts_with("Days of service: 15 day(s), capped by cap_days 10 to 10 day(s);"),
            "{trace:?}"
        );
        // Met: no tier, no days.
        assert_eq!(run("99.95", 31, None).2, None);
    }
}
