//! `[credit] claim` (terms v2 section 6): the claim deadline as contracts
//! write it. Exactly one form; not together with v1's `claim_window_days`.

use super::fields::{Fields, Reader};
use super::{Calendar, ClaimRule, CreditRules};
use std::collections::BTreeMap;

const FORMS: [&str; 3] = [
    "days_after_period",
    "end_of_month_after_period",
    "business_days_after_period",
];

impl Reader {
    /// `claim` of `[credit]`, when present (and allowed); `Err` when it was
    /// rejected.
    pub(super) fn claim(&mut self, f: &mut Fields<'_>) -> Result<Option<ClaimRule>, ()> {
        if !self.v2_key(f, "claim") {
            return if f.table.contains_key("claim") {
                Err(())
            } else {
                Ok(None)
            };
        }
        let t = self.sub_table(f, "claim", false).ok_or(())?;
        if f.table.contains_key("claim_window_days") {
            self.err(
                "credit.claim",
                "write either claim or claim_window_days, not both",
            );
        }
        let mut cf = self.fields(t, "credit.claim");
        let written: Vec<&str> = FORMS.into_iter().filter(|k| t.contains_key(*k)).collect();
        if written.len() != 1 {
            self.err(
                "credit.claim",
                format!(
                    "needs exactly one of {} (found {})",
                    FORMS.join(", "),
                    if written.is_empty() {
                        "none".to_string()
                    } else {
                        written.join(", ")
                    }
                ),
            );
        }
        let days = self.integer(&mut cf, "days_after_period", false, 0, 36_500);
        let months = self.integer(&mut cf, "end_of_month_after_period", false, 0, 1_200);
        let business = self.integer(&mut cf, "business_days_after_period", false, 1, 3_650);
        let calendar = self.string(&mut cf, "calendar", false);
        let is_business = written == ["business_days_after_period"];
        match (&calendar, is_business) {
            (None, true) => self.err(
                "credit.claim.calendar",
                "required with business_days_after_period",
            ),
            (Some(_), false) if written.len() == 1 => self.err(
                "credit.claim.calendar",
                "only business_days_after_period counts in a calendar",
            ),
            _ => {}
        }
        self.finish(cf);
        if written.len() != 1 {
            return Err(());
        }
        let rule = match (days, months, business, calendar) {
            (Some(n), ..) => ClaimRule::DaysAfterPeriod(n),
            (_, Some(n), ..) => ClaimRule::EndOfMonthAfterPeriod(n),
            (_, _, Some(days), Some(calendar)) if is_business => {
                ClaimRule::BusinessDaysAfterPeriod { days, calendar }
            }
            _ => return Err(()),
        };
        Ok(Some(rule))
    }

    /// A business-day claim names a calendar with working time (else no
    /// date would ever count).
    pub(super) fn claim_fits(
        &mut self,
        credit: Option<&CreditRules>,
        calendars: &BTreeMap<String, Calendar>,
    ) {
        let Some(ClaimRule::BusinessDaysAfterPeriod { calendar, .. }) =
            credit.and_then(|c| c.claim.as_ref())
        else {
            return;
        };
        match calendars.get(calendar) {
            None => self.err(
                "credit.claim.calendar",
                format!("`{calendar}` names no [calendars] entry"),
            ),
            Some(c) if c.hours.iter().all(|h| h.is_empty()) => self.err(
                "credit.claim.calendar",
                format!("`{calendar}` has no working hours on any weekday"),
            ),
            Some(_) => {}
        }
    }
}
