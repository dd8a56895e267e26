//! The root table and the tables of the contract, its services, calendars
//! and SLA terms (their credit is in `credit`). Problems are recorded in
//! the order the keys are read, which is the order a user sees them in.

use super::fields::{join, type_name, Fields, Reader};
use super::text::{parse_date, parse_spans};
use super::{
    Availability, BreachWhen, Calendar, ClockKind, Contract, CreditRules, Direction,
    DowntimeSource, IncidentClock, PartialImpact, Rounding, Service, Sla, SlaTerm, Terms,
};
use crate::duration::parse_duration;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use toml::{Table, Value};

impl Reader {
    pub(super) fn terms(&mut self, root: &Table) -> Option<Terms> {
        let mut f = self.fields(root, "");
        self.schema(&mut f);
        let contract = self
            .sub_table(&mut f, "contract", true)
            .and_then(|t| self.contract(t));
        let (services, service_ids) = match self.array(&mut f, "services", false) {
            Some(items) => self.services(items),
            None => (Vec::new(), BTreeSet::new()),
        };
        // Calendars without a zone of their own use the contract's.
        let default_tz = contract.as_ref().map(|c| c.timezone);
        let calendars = self.calendars(&mut f, default_tz);
        let slas = self.slas(&mut f, &service_ids, &calendars);
        let credit = match self.sub_table(&mut f, "credit", false) {
            Some(t) => self.credit_rules(t),
            None => Some(CreditRules::default()),
        };
        self.termination_fits(
            contract.as_ref().and_then(|c| c.termination.as_ref()),
            credit.as_ref(),
        );
        self.claim_fits(credit.as_ref(), &calendars);
        self.finish(f);
        Some(Terms {
            contract: contract?,
            services,
            calendars,
            slas,
            credit: credit?,
        })
    }

    fn schema(&mut self, f: &mut Fields<'_>) {
        if let Some(schema) = self.string(f, "schema", false) {
            match schema.as_str() {
                "sla-terms/1" => {}
                "sla-terms/2" => self.v2 = true,
                _ => self.err(
                    "schema",
                    format!(
                        "`{schema}` is not supported (expected \"sla-terms/1\" or \"sla-terms/2\")"
                    ),
                ),
            }
        }
    }

    fn contract(&mut self, t: &Table) -> Option<Contract> {
        let mut f = self.fields(t, "contract");
        let id = self.string(&mut f, "id", true);
        let title = self.string(&mut f, "title", false);
        let counterparty = self.string(&mut f, "counterparty", false);
        let direction = self
            .string(&mut f, "direction", false)
            .and_then(|d| self.direction(&d));
        let currency = self
            .string(&mut f, "currency", true)
            .and_then(|c| self.currency(c));
        let timezone = self.timezone(&mut f, "timezone", true);
        let effective_from = self.date(&mut f, "effective_from", true);
        let effective_to = self.date(&mut f, "effective_to", false);
        if let (Some(a), Some(b)) = (effective_from, effective_to) {
            if b < a {
                self.err(
                    "contract.effective_to",
                    format!("{b} is before effective_from {a}"),
                );
            }
        }
        let governing_law = self.string(&mut f, "governing_law", false);
        let owner = self.string(&mut f, "owner", false);
        let (sole_remedy, termination) = self.remedy(&mut f);
        let fiscal_year_start = self.fiscal_year_start(&mut f);
        self.finish(f);
        Some(Contract {
            id: id?,
            title,
            counterparty,
            direction,
            currency: currency?,
            timezone: timezone?,
            effective_from: effective_from?,
            effective_to,
            governing_law,
            owner,
            sole_remedy,
            termination,
            fiscal_year_start,
        })
    }

    fn direction(&mut self, d: &str) -> Option<Direction> {
        match Direction::parse(d) {
            Some(x) => Some(x),
            None => {
                let other = d;
                self.err(
                    "contract.direction",
                    format!("`{other}` is not a direction (\"customer\" or \"vendor\")"),
                );
                None
            }
        }
    }

    fn currency(&mut self, c: String) -> Option<String> {
        let ok = c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            self.err(
                "contract.currency",
                format!("`{c}` is not an ISO 4217 code (three capital letters, e.g. USD)"),
            );
        }
        ok.then_some(c)
    }

    /// The valid services, and every declared id (valid or not) so that
    /// references are checked against what the author wrote. A set, not a
    /// list: a 2,000-service contract checked every id against every
    /// earlier one, and every SLA's service against all of them (issue 15).
    fn services(&mut self, items: &[Value]) -> (Vec<Service>, BTreeSet<String>) {
        let mut out: Vec<Service> = Vec::new();
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for (i, v) in items.iter().enumerate() {
            let path = format!("services[{i}]");
            let Value::Table(t) = v else {
                self.err(path, format!("expected a table, found {}", type_name(v)));
                continue;
            };
            let mut f = self.fields(t, &path);
            let id = self.string(&mut f, "id", true);
            let name = self.string(&mut f, "name", false);
            let fee = self.decimal(&mut f, "monthly_fee", true, Some(0), None);
            self.finish(f);
            if let Some(id) = &id {
                if !ids.insert(id.clone()) {
                    self.err(
                        format!("{path}.id"),
                        format!("`{id}` is used by an earlier service"),
                    );
                }
            }
            if let (Some(id), Some(monthly_fee)) = (id, fee) {
                out.push(Service {
                    id,
                    name,
                    monthly_fee,
                });
            }
        }
        (out, ids)
    }

    /// The `[calendars]` table: the valid calendars by name.
    fn calendars(
        &mut self,
        f: &mut Fields<'_>,
        default_tz: Option<Tz>,
    ) -> BTreeMap<String, Calendar> {
        let mut calendars = BTreeMap::new();
        let Some(t) = self.sub_table(f, "calendars", false) else {
            return calendars;
        };
        for (name, v) in t {
            let path = format!("calendars.{name}");
            match v {
                Value::Table(ct) => {
                    if let Some(c) = self.calendar(ct, &path, default_tz) {
                        calendars.insert(name.clone(), c);
                    }
                }
                other => self.err(
                    path,
                    format!("expected a table, found {}", type_name(other)),
                ),
            }
        }
        calendars
    }

    fn calendar(&mut self, t: &Table, path: &str, default_tz: Option<Tz>) -> Option<Calendar> {
        let mut f = self.fields(t, path);
        let tz = self.timezone(&mut f, "timezone", false).or(default_tz);
        let hours = self.hours(&mut f, path);
        let holidays = self.holidays(&mut f, path);
        self.finish(f);
        Some(Calendar {
            timezone: tz?,
            hours,
            holidays,
        })
    }

    /// `hours.mon = "09:00-17:00"` ...: working spans per weekday, Monday
    /// first; a day not written has none.
    fn hours(&mut self, f: &mut Fields<'_>, path: &str) -> [Vec<(u32, u32)>; 7] {
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        let Some(h) = self.sub_table(f, "hours", false) else {
            return hours;
        };
        for (day, v) in h {
            let p = format!("{path}.hours.{day}");
            let Some(idx) = DAYS.iter().position(|d| d == day) else {
                self.err(p, "unknown day (use mon, tue, wed, thu, fri, sat, sun)");
                continue;
            };
            match v {
                Value::String(s) => match parse_spans(s) {
                    Ok(spans) => hours[idx] = spans,
                    Err(m) => self.err(p, m),
                },
                other => self.err(
                    p,
                    format!(
                        "expected a string like \"09:00-17:00\", found {}",
                        type_name(other)
                    ),
                ),
            }
        }
        hours
    }

    fn holidays(&mut self, f: &mut Fields<'_>, path: &str) -> BTreeSet<NaiveDate> {
        let mut holidays = BTreeSet::new();
        let Some(items) = self.array(f, "holidays", false) else {
            return holidays;
        };
        for (i, v) in items.iter().enumerate() {
            let p = format!("{path}.holidays[{i}]");
            let text = match v {
                Value::String(s) => s.trim().to_string(),
                Value::Datetime(d) => d.to_string(),
                other => {
                    self.err(
                        p,
                        format!("expected a date YYYY-MM-DD, found {}", type_name(other)),
                    );
                    continue;
                }
            };
            match parse_date(&text) {
                Ok(d) => {
                    holidays.insert(d);
                }
                Err(m) => self.err(p, m),
            }
        }
        holidays
    }

    /// The `[[slas]]` list: the valid terms, each id used once.
    fn slas(
        &mut self,
        f: &mut Fields<'_>,
        service_ids: &BTreeSet<String>,
        calendars: &BTreeMap<String, Calendar>,
    ) -> Vec<Sla> {
        let mut slas = Vec::new();
        let Some(items) = self.array(f, "slas", false) else {
            return slas;
        };
        let mut seen = BTreeSet::new();
        for (i, v) in items.iter().enumerate() {
            let path = format!("slas[{i}]");
            let Value::Table(t) = v else {
                self.err(path, format!("expected a table, found {}", type_name(v)));
                continue;
            };
            if let Some(sla) = self.sla(t, &path, service_ids, calendars) {
                if !seen.insert(sla.id.clone()) {
                    self.err(
                        format!("{path}.id"),
                        format!("`{}` is used by an earlier term", sla.id),
                    );
                }
                slas.push(sla);
            }
        }
        slas
    }

    fn sla(
        &mut self,
        t: &Table,
        path: &str,
        services: &BTreeSet<String>,
        calendars: &BTreeMap<String, Calendar>,
    ) -> Option<Sla> {
        let mut f = self.fields(t, path);
        let id = self.string(&mut f, "id", true);
        let service = self.string(&mut f, "service", true);
        if let Some(s) = &service {
            if !services.contains(s) {
                self.err(
                    join(path, "service"),
                    format!("`{s}` names no service in [[services]]"),
                );
            }
        }
        let kind = self.string(&mut f, "kind", true);
        let window = self.window(&mut f, path);
        let term = self.sla_term(&mut f, path, kind.as_deref(), calendars);
        // The kind as written decides which schedules fit, even when the
        // term has other problems, so that all of them are reported at once.
        let is_availability = match kind.as_deref() {
            Some("availability") => Some(true),
            Some("response" | "resolution") => Some(false),
            _ => None,
        };
        let cpath = join(path, "credit");
        let credit = self
            .sub_table(&mut f, "credit", true)
            .and_then(|c| self.credit_term(c, &cpath, is_availability, &term));
        if let Some(c) = &credit {
            self.window_fits(path, window, c.basis_month);
        }
        self.finish(f);
        Some(Sla {
            id: id?,
            service: service?,
            window,
            term: term?,
            credit: credit?,
        })
    }

    /// What the term measures, by its `kind`.
    fn sla_term(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        kind: Option<&str>,
        calendars: &BTreeMap<String, Calendar>,
    ) -> Option<SlaTerm> {
        match kind {
            Some("availability") => self.availability(f, path).map(SlaTerm::Availability),
            Some(k @ ("response" | "resolution")) => {
                let kind = if k == "response" {
                    ClockKind::Response
                } else {
                    ClockKind::Resolution
                };
                self.incident_clock(f, path, kind, calendars)
                    .map(SlaTerm::Incident)
            }
            Some(other) => {
                self.err(
                    join(path, "kind"),
                    format!("`{other}` is not a kind (availability, response, resolution)"),
                );
                None
            }
            None => None,
        }
    }

    fn availability(&mut self, f: &mut Fields<'_>, path: &str) -> Option<Availability> {
        let target = self.decimal(f, "target", true, Some(0), Some(100));
        let mut a = Availability {
            target: Decimal::ZERO,
            min_outage_seconds: 0,
            rounding: Rounding::None,
            partial_impact: PartialImpact::Weighted,
            maintenance_in_denominator: true,
            excluded_causes: Vec::new(),
            maintenance_notice_seconds: None,
            maintenance_cap_seconds: None,
            breach_when: BreachWhen::Below,
            source: DowntimeSource::Outages,
        };
        let mut ok = self.breach_when(f, path, target, &mut a);
        // Written `source = "requests"`, even when its rule has problems:
        // the keys that do not apply to request counts are named as such.
        let mut requests = false;
        if let Some(t) = self.sub_table(f, "downtime", false) {
            requests = t.get("source").and_then(Value::as_str).map(str::trim) == Some("requests");
            ok &= self.downtime(t, &join(path, "downtime"), &mut a, requests);
        }
        if let Some(t) = self.sub_table(f, "exclusions", false) {
            self.exclusions(t, &join(path, "exclusions"), &mut a, requests);
        }
        self.misplaced(
            f,
            path,
            &["severity", "clock", "pause_on"],
            "only incident terms (response, resolution) take this key",
        );
        a.target = target?;
        ok.then_some(a)
    }

    /// `breach_when` (terms v2 section 2) into `a`; false when rejected.
    /// "at_or_below" needs a target below 100: uptime 100 would breach.
    fn breach_when(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        target: Option<Decimal>,
        a: &mut Availability,
    ) -> bool {
        let bpath = join(path, "breach_when");
        let Some(w) = self.string(f, "breach_when", false) else {
            return true;
        };
        if !self.needs_v2(&bpath) {
            return false;
        }
        a.breach_when = match w.as_str() {
            "below" => BreachWhen::Below,
            "at_or_below" => BreachWhen::AtOrBelow,
            other => {
                self.err(bpath, format!("`{other}` is not one of below, at_or_below"));
                return false;
            }
        };
        if a.breach_when == BreachWhen::AtOrBelow
            && target.is_some_and(|t| t >= Decimal::ONE_HUNDRED)
        {
            self.err(
                join(path, "target"),
                "must be below 100 with breach_when = \"at_or_below\" (uptime 100 would be a breach)",
            );
            return false;
        }
        true
    }

    /// own (rather than "unknown key") so the author learns why.
    pub(super) fn misplaced(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        keys: &[&'static str],
        message: &str,
    ) {
        for &key in keys {
            if f.table.contains_key(key) {
                f.used.insert(key);
                self.err(join(path, key), message);
            }
        }
    }

    fn incident_clock(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        kind: ClockKind,
        calendars: &BTreeMap<String, Calendar>,
    ) -> Option<IncidentClock> {
        let severity = self.string(f, "severity", true);
        let target = self.incident_target(f, path);
        let mut calendar = None;
        let mut ok = true;
        if let Some(c) = self.string(f, "clock", false) {
            if c != "24x7" {
                if calendars.contains_key(&c) {
                    calendar = Some(c);
                } else {
                    self.err(
                        join(path, "clock"),
                        format!("`{c}` is neither \"24x7\" nor a [calendars] entry"),
                    );
                    ok = false;
                }
            }
        }
        let pause_on = self.string_list(f, "pause_on");
        self.misplaced(
            f,
            path,
            &["downtime", "exclusions"],
            "only availability terms take this table",
        );
        self.misplaced(
            f,
            path,
            &["breach_when"],
            "only availability terms take this key",
        );
        let clock = IncidentClock {
            kind,
            severity: severity?,
            target_seconds: target?,
            calendar,
            pause_on,
        };
        ok.then_some(clock)
    }

    /// An incident term's `target`: a duration longer than zero.
    fn incident_target(&mut self, f: &mut Fields<'_>, path: &str) -> Option<i64> {
        let tpath = join(path, "target");
        match self.get(f, "target", true)? {
            Value::String(s) => match parse_duration(s) {
                Ok(0) => {
                    self.err(&tpath, "an incident target must be longer than 0s");
                    None
                }
                Ok(v) => Some(v),
                Err(m) => {
                    self.err(&tpath, m);
                    None
                }
            },
            other => {
                self.err(
                    &tpath,
                    format!(
                        "expected a duration string like \"30m\", found {}",
                        type_name(other)
                    ),
                );
                None
            }
        }
    }
}
