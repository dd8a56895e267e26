//! Credit: each SLA term's `[slas.credit]` (basis, schedule, line cap) and
//! the contract-wide `[credit]` rules (aggregation, cap, rounding, minimum,
//! claim window, chronic breach).

use super::fields::{join, type_name, Fields, Reader};
use super::{Aggregation, Basis, Chronic, CreditRules, CreditTerm, Schedule, SlaTerm, Stage, Tier};
use crate::num::RoundMode;
use rust_decimal::Decimal;
use toml::{Table, Value};

impl Reader {
    pub(super) fn credit_term(
        &mut self,
        t: &Table,
        path: &str,
        is_availability: Option<bool>,
        term: &Option<SlaTerm>,
    ) -> Option<CreditTerm> {
        let mut f = self.fields(t, path);
        let basis = match self.string(&mut f, "basis", false).as_deref() {
            None | Some("service") => Some(Basis::Service),
            Some("contract") => Some(Basis::Contract),
            Some(other) => {
                self.err(
                    join(path, "basis"),
                    format!("`{other}` is not a basis (\"service\" or \"contract\")"),
                );
                None
            }
        };
        let schedule_name = self.string(&mut f, "schedule", true);
        let schedule = self.schedule(&mut f, path, schedule_name.as_deref(), term);
        self.schedule_fits(&join(path, "schedule"), &schedule, is_availability);
        let cap_percent = self.decimal(&mut f, "cap_percent", false, Some(0), Some(100));
        let cap_days = self.cap_days(&mut f, path, &schedule);
        let basis_month = self.basis_month(&mut f, path);
        // Keys of other schedules are not silently ignored: a `tiers` list
        // under `per_step` means the author misread their own contract.
        for key in ["tiers", "step", "percent_per_step", "multiplier", "percent"] {
            if f.table.contains_key(key) && !f.used.contains(key) {
                f.used.insert(key);
                self.err(
                    join(path, key),
                    format!(
                        "not used by schedule `{}`",
                        schedule_name.as_deref().unwrap_or("?")
                    ),
                );
            }
        }
        self.finish(f);
        Some(CreditTerm {
            basis: basis?,
            schedule: schedule?,
            cap_percent,
            cap_days,
            basis_month,
        })
    }

    /// The schedule named `name`, with the keys that schedule reads.
    fn schedule(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        name: Option<&str>,
        term: &Option<SlaTerm>,
    ) -> Option<Schedule> {
        let pct = |r: &mut Self, f: &mut Fields<'_>, key: &'static str| {
            r.decimal(f, key, true, Some(0), Some(100))
        };
        match name {
            Some("tiers") => self.tiers(f, path, term).map(Schedule::Tiers),
            Some("per_step") => {
                let step = self.decimal(f, "step", true, None, None);
                if step.is_some_and(|s| s <= Decimal::ZERO) {
                    self.err(join(path, "step"), "must be greater than 0");
                }
                let pps = pct(self, f, "percent_per_step");
                match (step, pps) {
                    (Some(step), Some(percent_per_step)) if step > Decimal::ZERO => {
                        Some(Schedule::PerStep {
                            step,
                            percent_per_step,
                        })
                    }
                    _ => None,
                }
            }
            Some("multiplier") => self
                .decimal(f, "multiplier", true, Some(0), None)
                .map(Schedule::Multiplier),
            Some("per_breach") => pct(self, f, "percent").map(Schedule::PerBreach),
            Some(other) => {
                self.err(
                    join(path, "schedule"),
                    format!(
                        "`{other}` is not a schedule (tiers, per_step, multiplier, per_breach)"
                    ),
                );
                None
            }
            None => None,
        }
    }

    /// Availability terms credit by shortfall, incident terms per breach;
    /// `is_availability` is the kind as written (`None`: unknown).
    fn schedule_fits(
        &mut self,
        spath: &str,
        schedule: &Option<Schedule>,
        is_availability: Option<bool>,
    ) {
        match (schedule, is_availability) {
            (Some(Schedule::PerBreach(_)), Some(true)) => {
                self.err(
                    spath,
                    "per_breach fits only incident terms (response, resolution)",
                );
            }
            (
                Some(Schedule::Tiers(_) | Schedule::PerStep { .. } | Schedule::Multiplier(_)),
                Some(false),
            ) => {
                self.err(spath, "an incident term takes schedule = \"per_breach\"");
            }
            _ => {}
        }
    }

    fn tiers(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        term: &Option<SlaTerm>,
    ) -> Option<Vec<Tier>> {
        let tpath = join(path, "tiers");
        let items = self.array(f, "tiers", true)?;
        if items.is_empty() {
            self.err(&tpath, "a tiers schedule needs at least one tier");
            return None;
        }
        let mut tiers = Vec::new();
        let mut ok = true;
        let mut first_has_days = None;
        for (i, v) in items.iter().enumerate() {
            let p = format!("{tpath}[{i}]");
            let Value::Table(t) = v else {
                self.err(
                    p,
                    format!(
                        "expected a table {{ below = \"..\", percent = \"..\" }}, found {}",
                        type_name(v)
                    ),
                );
                ok = false;
                continue;
            };
            let mut tf = self.fields(t, &p);
            let below = self.decimal(&mut tf, "below", true, Some(0), Some(100));
            let credit = self.tier_credit(&mut tf, &p, &mut first_has_days);
            self.finish(tf);
            match (below, credit) {
                (Some(below), Some((percent, days))) => {
                    ok &= self.tier_in_order(&p, below, tiers.last(), term);
                    tiers.push(Tier {
                        below,
                        percent,
                        days,
                    });
                }
                _ => ok = false,
            }
        }
        ok.then_some(tiers)
    }

    /// Tiers strictly decrease, and the first starts at or below the
    /// availability target (a tier above it could never apply).
    fn tier_in_order(
        &mut self,
        p: &str,
        below: Decimal,
        previous: Option<&Tier>,
        term: &Option<SlaTerm>,
    ) -> bool {
        if let Some(prev) = previous.map(|t| t.below) {
            if below >= prev {
                self.err(format!("{p}.below"), format!("{below} must be below the previous tier's {prev} (tiers strictly decrease)"));
                return false;
            }
        } else if let Some(SlaTerm::Availability(a)) = term {
            if below > a.target {
                self.err(
                    format!("{p}.below"),
                    format!("{below} is above the target {}", a.target),
                );
                return false;
            }
        }
        true
    }

    pub(super) fn credit_rules(&mut self, t: &Table) -> Option<CreditRules> {
        let mut f = self.fields(t, "credit");
        let mut c = CreditRules::default();
        let mut ok = true;
        match self.string(&mut f, "aggregation", false).as_deref() {
            None | Some("sum") => {}
            Some("max") => c.aggregation = Aggregation::Max,
            Some(other) => {
                self.err(
                    "credit.aggregation",
                    format!("`{other}` is not an aggregation (\"sum\" or \"max\")"),
                );
                ok = false;
            }
        }
        c.cap_percent = self.decimal(&mut f, "cap_percent", false, Some(0), Some(100));
        if f.table.contains_key("cap_percent") && c.cap_percent.is_none() {
            ok = false;
        }
        match self.cap_rolling(&mut f) {
            Ok(cr) => c.cap_rolling = cr,
            Err(()) => ok = false,
        }
        if let Some(r) = self.sub_table(&mut f, "rounding", false) {
            ok &= self.rounding_rule(r, &mut c);
        }
        if let Some(m) = self.decimal(&mut f, "minimum_credit", false, Some(0), None) {
            c.minimum_credit = m;
        }
        c.claim_window_days = self.integer(&mut f, "claim_window_days", false, 0, 36_500);
        match self.claim(&mut f) {
            Ok(claim) => c.claim = claim,
            Err(()) => ok = false,
        }
        if let Some(ch) = self.sub_table(&mut f, "chronic", false) {
            c.chronic = self.chronic(ch);
        }
        self.finish(f);
        ok.then_some(c)
    }

    /// `[credit.rounding]` into `c.rounding`; false when a value was
    /// rejected.
    fn rounding_rule(&mut self, r: &Table, c: &mut CreditRules) -> bool {
        let mut ok = true;
        let mut rf = self.fields(r, "credit.rounding");
        if let Some(p) = self.integer(&mut rf, "places", false, 0, 10) {
            c.rounding.places = p;
        }
        if let Some(m) = self.string(&mut rf, "mode", false) {
            match RoundMode::parse(&m) {
                Some(mode) => c.rounding.mode = mode,
                None => {
                    self.err(
                        "credit.rounding.mode",
                        format!("`{m}` is not a mode (half_up, half_even, down, up)"),
                    );
                    ok = false;
                }
            }
        }
        match self.string(&mut rf, "stage", false).as_deref() {
            None | Some("total") => {}
            Some("line") => c.rounding.stage = Stage::Line,
            Some(other) => {
                self.err(
                    "credit.rounding.stage",
                    format!("`{other}` is not a stage (\"line\" or \"total\")"),
                );
                ok = false;
            }
        }
        self.finish(rf);
        ok
    }

    /// `[credit.chronic]`: N breached periods within M months, N <= M.
    fn chronic(&mut self, ch: &Table) -> Option<Chronic> {
        let mut cf = self.fields(ch, "credit.chronic");
        let n = self.integer(&mut cf, "breached_periods", true, 1, 1_200);
        let m = self.integer(&mut cf, "within_months", true, 1, 1_200);
        let mut chronic = None;
        if let (Some(n), Some(m)) = (n, m) {
            if m < n {
                self.err(
                    "credit.chronic.within_months",
                    format!("{m} is less than breached_periods {n}"),
                );
            } else {
                chronic = Some(Chronic {
                    breached_periods: n,
                    within_months: m,
                });
            }
        }
        self.finish(cf);
        chronic
    }
}
