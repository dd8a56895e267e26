//! Credits as days of service (terms v2 section 3): a tier's `days` instead
//! of its `percent`, and the term's `cap_days`.

use super::fields::{join, Fields, Reader};
use super::Schedule;
use rust_decimal::Decimal;

impl Reader {
    /// A tier's credit: `(percent, None)` or `(0, Some(days))`. Every tier
    /// of a list takes the form of the first (`first_has_days`).
    pub(super) fn tier_credit(
        &mut self,
        tf: &mut Fields<'_>,
        p: &str,
        first_has_days: &mut Option<bool>,
    ) -> Option<(Decimal, Option<Decimal>)> {
        let has_days = tf.table.contains_key("days");
        if has_days && !self.v2_key(tf, "days") {
            return None;
        }
        if has_days && tf.table.contains_key("percent") {
            tf.used.insert("percent");
            tf.used.insert("days");
            self.err(p, "write percent or days, not both");
            return None;
        }
        match *first_has_days {
            Some(first) if first != has_days => {
                tf.used.insert(if has_days { "days" } else { "percent" });
                self.err(
                    p,
                    "mixes percent and days: every tier has `percent` or every tier has `days`",
                );
                return None;
            }
            _ => *first_has_days = Some(has_days),
        }
        if has_days {
            let days = self.decimal(tf, "days", true, Some(0), None)?;
            Some((Decimal::ZERO, Some(days)))
        } else {
            let percent = self.decimal(tf, "percent", true, Some(0), Some(100))?;
            Some((percent, None))
        }
    }

    /// `cap_days`: only for tiers with days.
    pub(super) fn cap_days(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        schedule: &Option<Schedule>,
    ) -> Option<Decimal> {
        if !self.v2_key(f, "cap_days") {
            return None;
        }
        let cap = self.decimal(f, "cap_days", false, Some(0), None);
        let days_tiers =
            matches!(schedule, Some(Schedule::Tiers(ts)) if ts.iter().all(|t| t.days.is_some()));
        if schedule.is_some() && !days_tiers {
            self.err(join(path, "cap_days"), "applies only to tiers with days");
        }
        cap
    }
}
