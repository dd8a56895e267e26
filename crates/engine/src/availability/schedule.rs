//! Step 9: the credit percent an availability term's schedule gives for a
//! measured uptime. Public: due diligence asks it for a what-if uptime.

use super::dec_str;
use crate::num::{ceil, fmt_rat, hundred, rat, Rat};
use crate::terms::Schedule;
use num_traits::Zero;
use rust_decimal::Decimal;

/// The schedule's percent for an availability term (spec 3.9).
pub fn schedule_percent(
    schedule: &Schedule,
    uptime: &Rat,
    target: &Rat,
    breached: bool,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>) {
    match schedule {
        Schedule::Tiers(tiers) => {
            let hit = tiers
                .iter()
                .filter(|t| uptime < &rat(t.below))
                .max_by(|a, b| a.percent.cmp(&b.percent));
            match hit {
                Some(t) => {
                    trace.push(format!("Tier: uptime is below {}, so {} % applies (the largest percent among tiers whose `below` the uptime is under).", dec_str(&t.below), dec_str(&t.percent)));
                    (rat(t.percent), Some(t.below))
                }
                None => {
                    trace.push("Tier: uptime is not below any tier: 0 %.".into());
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
            let steps = ceil(&((target - uptime) / rat(*step)));
            let raw = Rat::from_integer(steps.clone()) * rat(*percent_per_step);
            let pct = raw.clone().min(hundred());
            trace.push(format!(
                "per_step: ceil((target - uptime) / {}) = {} step(s) x {} % = {} %{}.",
                dec_str(step),
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
