//! The terms file (`schema = "sla-terms/1"`): model and validating reader.
//!
//! The reader walks the TOML tree by hand rather than through serde so that
//! it can list every problem at once, each under its key path
//! (`slas[0].credit.tiers[1].below`, list indexes from 0), reject unknown keys
//! and TOML floats, and check the cross-references (services, calendars).

use crate::duration::parse_duration;
use crate::error::{TermsError, TermsProblem};
use crate::num::{parse_decimal, RoundMode};
use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use toml::{Table, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub contract: Contract,
    pub services: Vec<Service>,
    pub calendars: BTreeMap<String, Calendar>,
    pub slas: Vec<Sla>,
    pub credit: CreditRules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// We provide the service and owe credits.
    Customer,
    /// The counterparty provides it and owes us credits.
    Vendor,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Customer => "customer",
            Direction::Vendor => "vendor",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub id: String,
    pub title: Option<String>,
    pub counterparty: Option<String>,
    pub direction: Option<Direction>,
    pub currency: String,
    pub timezone: Tz,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub governing_law: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: Option<String>,
    pub monthly_fee: Decimal,
}

/// A working-time calendar: spans per local weekday (Monday first), as
/// seconds after local midnight, merged and sorted; holidays have none.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub timezone: Tz,
    pub hours: [Vec<(u32, u32)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub id: String,
    pub service: String,
    pub term: SlaTerm,
    pub credit: CreditTerm,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SlaTerm {
    Availability(Availability),
    Incident(IncidentClock),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    None,
    Ceil(i64),
    Buckets(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialImpact {
    Weighted,
    Full,
    Ignore,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    pub target: Decimal,
    pub min_outage_seconds: i64,
    pub rounding: Rounding,
    pub partial_impact: PartialImpact,
    pub maintenance_in_denominator: bool,
    /// Trimmed, lowercase.
    pub excluded_causes: Vec<String>,
    pub maintenance_notice_seconds: Option<i64>,
    pub maintenance_cap_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Response,
    Resolution,
}

impl ClockKind {
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Response => "response",
            ClockKind::Resolution => "resolution",
        }
    }
    /// Statuses (lowercase) that stop this clock.
    pub fn stops_on(self, status: &str) -> bool {
        match self {
            ClockKind::Response => matches!(status, "acknowledged" | "resolved" | "closed"),
            ClockKind::Resolution => matches!(status, "resolved" | "closed"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentClock {
    pub kind: ClockKind,
    /// Trimmed, as written; compared case-insensitively.
    pub severity: String,
    pub target_seconds: i64,
    /// `None` is `24x7`; otherwise a key of `Terms::calendars`.
    pub calendar: Option<String>,
    /// Trimmed, lowercase.
    pub pause_on: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Service,
    Contract,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub below: Decimal,
    pub percent: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Tiers(Vec<Tier>),
    PerStep {
        step: Decimal,
        percent_per_step: Decimal,
    },
    Multiplier(Decimal),
    PerBreach(Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditTerm {
    pub basis: Basis,
    pub schedule: Schedule,
    pub cap_percent: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    Sum,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Line,
    Total,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundingRule {
    pub places: u32,
    pub mode: RoundMode,
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chronic {
    pub breached_periods: u32,
    pub within_months: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditRules {
    pub aggregation: Aggregation,
    pub cap_percent: Option<Decimal>,
    pub rounding: RoundingRule,
    pub minimum_credit: Decimal,
    pub claim_window_days: Option<u32>,
    pub chronic: Option<Chronic>,
}

impl Terms {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Reads and validates a terms file's text.
    pub fn parse(text: &str) -> Result<Terms, TermsError> {
        let root: Table = toml::from_str(text).map_err(|e| TermsError {
            problems: vec![TermsProblem {
                path: String::new(),
                message: format!("not valid TOML: {}", e.to_string().trim_end()),
            }],
        })?;
        let mut r = Reader::default();
        let terms = r.terms(&root);
        match terms {
            Some(t) if r.problems.is_empty() => Ok(t),
            _ => Err(TermsError {
                problems: r.problems,
            }),
        }
    }
}

/// Walks one TOML table, remembering which keys were read so the rest can be
/// reported as unknown.
struct Fields<'a> {
    table: &'a Table,
    path: String,
    used: BTreeSet<&'a str>,
}

#[derive(Default)]
struct Reader {
    problems: Vec<TermsProblem>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

impl Reader {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(TermsProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn fields<'a>(&mut self, table: &'a Table, path: &str) -> Fields<'a> {
        Fields {
            table,
            path: path.to_string(),
            used: BTreeSet::new(),
        }
    }

    fn finish(&mut self, f: Fields<'_>) {
        for key in f.table.keys() {
            if !f.used.contains(key.as_str()) {
                self.err(join(&f.path, key), "unknown key");
            }
        }
    }

    fn get<'a>(&mut self, f: &mut Fields<'a>, key: &'a str, required: bool) -> Option<&'a Value> {
        f.used.insert(key);
        let v = f.table.get(key);
        if v.is_none() && required {
            self.err(join(&f.path, key), "required key is missing");
        }
        v
    }

    fn string(&mut self, f: &mut Fields<'_>, key: &'static str, required: bool) -> Option<String> {
        let path = join(&f.path, key);
        match self.get(f, key, required)? {
            Value::String(s) if s.trim().is_empty() && required => {
                self.err(path, "must not be empty");
                None
            }
            Value::String(s) => Some(s.trim().to_string()),
            other => {
                self.err(
                    path,
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn decimal_value(&mut self, path: &str, v: &Value) -> Option<Decimal> {
        match v {
            Value::String(s) => parse_decimal(s).map_err(|m| self.err(path, m)).ok(),
            Value::Integer(i) => Some(Decimal::from(*i)),
            Value::Float(x) => {
                self.err(
                    path,
                    format!("{x} is a TOML float; write exact decimals as strings, e.g. \"{x}\""),
                );
                None
            }
            other => {
                self.err(
                    path,
                    format!("expected a decimal string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A decimal within `lo..=hi` (either bound optional).
    fn decimal(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
        lo: Option<i64>,
        hi: Option<i64>,
    ) -> Option<Decimal> {
        let path = join(&f.path, key);
        let v = self.get(f, key, required)?;
        let d = self.decimal_value(&path, v)?;
        self.range(&path, d, lo, hi)
    }

    fn range(
        &mut self,
        path: &str,
        d: Decimal,
        lo: Option<i64>,
        hi: Option<i64>,
    ) -> Option<Decimal> {
        let below = lo.is_some_and(|lo| d < Decimal::from(lo));
        let above = hi.is_some_and(|hi| d > Decimal::from(hi));
        if below || above {
            let msg = match (lo, hi) {
                (Some(lo), Some(hi)) => format!("{d} is outside {lo}..={hi}"),
                (Some(lo), None) => format!("{d} must be at least {lo}"),
                (None, Some(hi)) => format!("{d} must be at most {hi}"),
                (None, None) => unreachable!(),
            };
            self.err(path, msg);
            return None;
        }
        Some(d)
    }

    fn duration(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<i64> {
        let path = join(&f.path, key);
        match self.get(f, key, false)? {
            Value::String(s) => parse_duration(s).map_err(|m| self.err(path, m)).ok(),
            other => {
                self.err(
                    path,
                    format!(
                        "expected a duration string like \"5m\", found {}",
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<bool> {
        let path = join(&f.path, key);
        match self.get(f, key, false)? {
            Value::Boolean(b) => Some(*b),
            other => {
                self.err(
                    path,
                    format!("expected true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn integer(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
        lo: i64,
        hi: i64,
    ) -> Option<u32> {
        let path = join(&f.path, key);
        match self.get(f, key, required)? {
            Value::Integer(i) if (lo..=hi).contains(i) => Some(*i as u32),
            Value::Integer(i) => {
                self.err(path, format!("{i} is outside {lo}..={hi}"));
                None
            }
            other => {
                self.err(
                    path,
                    format!("expected a whole number, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn date(&mut self, f: &mut Fields<'_>, key: &'static str, required: bool) -> Option<NaiveDate> {
        let path = join(&f.path, key);
        let v = self.get(f, key, required)?;
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Datetime(d) => d.to_string(),
            other => {
                self.err(
                    path,
                    format!("expected a date YYYY-MM-DD, found {}", type_name(other)),
                );
                return None;
            }
        };
        parse_date(&text).map_err(|m| self.err(path, m)).ok()
    }

    fn sub_table<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'a str,
        required: bool,
    ) -> Option<&'a Table> {
        let path = join(&f.path, key);
        match self.get(f, key, required)? {
            Value::Table(t) => Some(t),
            other => {
                self.err(
                    path,
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn array<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'a str,
        required: bool,
    ) -> Option<&'a Vec<Value>> {
        let path = join(&f.path, key);
        match self.get(f, key, required)? {
            Value::Array(a) => Some(a),
            other => {
                self.err(
                    path,
                    format!("expected an array, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn string_list(&mut self, f: &mut Fields<'_>, key: &'static str) -> Vec<String> {
        let path = join(&f.path, key);
        let Some(items) = self.array(f, key, false) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.trim().to_lowercase()),
                other => self.err(
                    format!("{path}[{i}]"),
                    format!("expected a string, found {}", type_name(other)),
                ),
            }
        }
        out
    }

    fn timezone(&mut self, f: &mut Fields<'_>, key: &'static str, required: bool) -> Option<Tz> {
        let path = join(&f.path, key);
        let name = self.string(f, key, required)?;
        name.parse::<Tz>()
            .map_err(|_| {
                self.err(
                    path,
                    format!("`{name}` is not an IANA time zone (e.g. America/New_York)"),
                )
            })
            .ok()
    }

    fn terms(&mut self, root: &Table) -> Option<Terms> {
        let mut f = self.fields(root, "");
        if let Some(schema) = self.string(&mut f, "schema", false) {
            if schema != "sla-terms/1" {
                self.err(
                    "schema",
                    format!("`{schema}` is not supported (expected \"sla-terms/1\")"),
                );
            }
        }
        let contract = self
            .sub_table(&mut f, "contract", true)
            .and_then(|t| self.contract(t));
        let (services, service_ids) = match self.array(&mut f, "services", false) {
            Some(items) => self.services(items),
            None => (Vec::new(), Vec::new()),
        };
        let default_tz = contract.as_ref().map(|c| c.timezone);
        let mut calendars = BTreeMap::new();
        if let Some(t) = self.sub_table(&mut f, "calendars", false) {
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
        }
        let mut slas = Vec::new();
        if let Some(items) = self.array(&mut f, "slas", false) {
            let mut seen = BTreeSet::new();
            for (i, v) in items.iter().enumerate() {
                let path = format!("slas[{i}]");
                let Value::Table(t) = v else {
                    self.err(path, format!("expected a table, found {}", type_name(v)));
                    continue;
                };
                if let Some(sla) = self.sla(t, &path, &service_ids, &calendars) {
                    if !seen.insert(sla.id.clone()) {
                        self.err(
                            format!("{path}.id"),
                            format!("`{}` is used by an earlier term", sla.id),
                        );
                    }
                    slas.push(sla);
                }
            }
        }
        let credit = match self.sub_table(&mut f, "credit", false) {
            Some(t) => self.credit_rules(t),
            None => Some(CreditRules::default()),
        };
        self.finish(f);
        Some(Terms {
            contract: contract?,
            services,
            calendars,
            slas,
            credit: credit?,
        })
    }

    fn contract(&mut self, t: &Table) -> Option<Contract> {
        let mut f = self.fields(t, "contract");
        let id = self.string(&mut f, "id", true);
        let title = self.string(&mut f, "title", false);
        let counterparty = self.string(&mut f, "counterparty", false);
        let direction = self
            .string(&mut f, "direction", false)
            .and_then(|d| match d.as_str() {
                "customer" => Some(Direction::Customer),
                "vendor" => Some(Direction::Vendor),
                other => {
                    self.err(
                        "contract.direction",
                        format!("`{other}` is not a direction (\"customer\" or \"vendor\")"),
                    );
                    None
                }
            });
        let currency = self.string(&mut f, "currency", true).and_then(|c| {
            let ok = c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase());
            if !ok {
                self.err(
                    "contract.currency",
                    format!("`{c}` is not an ISO 4217 code (three capital letters, e.g. USD)"),
                );
            }
            ok.then_some(c)
        });
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
        self.finish(f);
        Some(Contract {
            id: id?,
            title,
            counterparty,
            direction: direction.or(None),
            currency: currency?,
            timezone: timezone?,
            effective_from: effective_from?,
            effective_to,
            governing_law,
            owner,
        })
    }

    /// The valid services, and every declared id (valid or not) so that
    /// references are checked against what the author wrote.
    fn services(&mut self, items: &[Value]) -> (Vec<Service>, Vec<String>) {
        let mut out: Vec<Service> = Vec::new();
        let mut ids: Vec<String> = Vec::new();
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
                if ids.contains(id) {
                    self.err(
                        format!("{path}.id"),
                        format!("`{id}` is used by an earlier service"),
                    );
                }
                ids.push(id.clone());
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

    fn calendar(&mut self, t: &Table, path: &str, default_tz: Option<Tz>) -> Option<Calendar> {
        let mut f = self.fields(t, path);
        let tz = self.timezone(&mut f, "timezone", false).or(default_tz);
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        if let Some(h) = self.sub_table(&mut f, "hours", false) {
            const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
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
        }
        let mut holidays = BTreeSet::new();
        if let Some(items) = self.array(&mut f, "holidays", false) {
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
        }
        self.finish(f);
        Some(Calendar {
            timezone: tz?,
            hours,
            holidays,
        })
    }

    fn sla(
        &mut self,
        t: &Table,
        path: &str,
        services: &[String],
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
        let term = match kind.as_deref() {
            Some("availability") => self.availability(&mut f, path).map(SlaTerm::Availability),
            Some(k @ ("response" | "resolution")) => {
                let kind = if k == "response" {
                    ClockKind::Response
                } else {
                    ClockKind::Resolution
                };
                self.incident_clock(&mut f, path, kind, calendars)
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
        };
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
        self.finish(f);
        Some(Sla {
            id: id?,
            service: service?,
            term: term?,
            credit: credit?,
        })
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
        };
        let mut ok = true;
        if let Some(t) = self.sub_table(f, "downtime", false) {
            let dpath = join(path, "downtime");
            let mut d = self.fields(t, &dpath);
            a.min_outage_seconds = self.duration(&mut d, "min_outage").unwrap_or(0);
            if let Some(r) = self.string(&mut d, "rounding", false) {
                match parse_rounding(&r) {
                    Ok(v) => a.rounding = v,
                    Err(m) => {
                        self.err(join(&dpath, "rounding"), m);
                        ok = false;
                    }
                }
            }
            if let Some(p) = self.string(&mut d, "partial_impact", false) {
                a.partial_impact = match p.as_str() {
                    "weighted" => PartialImpact::Weighted,
                    "full" => PartialImpact::Full,
                    "ignore" => PartialImpact::Ignore,
                    other => {
                        self.err(
                            join(&dpath, "partial_impact"),
                            format!("`{other}` is not one of weighted, full, ignore"),
                        );
                        ok = false;
                        PartialImpact::Weighted
                    }
                };
            }
            if let Some(b) = self.boolean(&mut d, "maintenance_in_denominator") {
                a.maintenance_in_denominator = b;
            }
            self.finish(d);
        }
        if let Some(t) = self.sub_table(f, "exclusions", false) {
            let mut e = self.fields(t, &join(path, "exclusions"));
            a.excluded_causes = self
                .string_list(&mut e, "causes")
                .into_iter()
                .map(|c| if c.is_empty() { "internal".into() } else { c })
                .collect();
            a.maintenance_notice_seconds = self.duration(&mut e, "maintenance_notice");
            a.maintenance_cap_seconds = self.duration(&mut e, "maintenance_cap");
            self.finish(e);
        }
        for key in ["severity", "clock", "pause_on"] {
            if f.table.contains_key(key) {
                f.used.insert(key);
                self.err(
                    join(path, key),
                    "only incident terms (response, resolution) take this key",
                );
            }
        }
        a.target = target?;
        ok.then_some(a)
    }

    fn incident_clock(
        &mut self,
        f: &mut Fields<'_>,
        path: &str,
        kind: ClockKind,
        calendars: &BTreeMap<String, Calendar>,
    ) -> Option<IncidentClock> {
        let severity = self.string(f, "severity", true);
        let tpath = join(path, "target");
        let target = match self.get(f, "target", true) {
            Some(Value::String(s)) => match parse_duration(s) {
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
            Some(other) => {
                self.err(
                    &tpath,
                    format!(
                        "expected a duration string like \"30m\", found {}",
                        type_name(other)
                    ),
                );
                None
            }
            None => None,
        };
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
        for key in ["downtime", "exclusions"] {
            if f.table.contains_key(key) {
                f.used.insert(key);
                self.err(join(path, key), "only availability terms take this table");
            }
        }
        let clock = IncidentClock {
            kind,
            severity: severity?,
            target_seconds: target?,
            calendar,
            pause_on,
        };
        ok.then_some(clock)
    }

    fn credit_term(
        &mut self,
        t: &Table,
        path: &str,
        is_availability: Option<bool>,
        _term: &Option<SlaTerm>,
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
        let spath = join(path, "schedule");
        let pct = |r: &mut Self, f: &mut Fields<'_>, key: &'static str| {
            r.decimal(f, key, true, Some(0), Some(100))
        };
        let schedule = match schedule_name.as_deref() {
            Some("tiers") => {
                let tiers = self.tiers(&mut f, path, _term);
                tiers.map(Schedule::Tiers)
            }
            Some("per_step") => {
                let step = self.decimal(&mut f, "step", true, None, None);
                if step.is_some_and(|s| s <= Decimal::ZERO) {
                    self.err(join(path, "step"), "must be greater than 0");
                }
                let pps = pct(self, &mut f, "percent_per_step");
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
                .decimal(&mut f, "multiplier", true, Some(0), None)
                .map(Schedule::Multiplier),
            Some("per_breach") => pct(self, &mut f, "percent").map(Schedule::PerBreach),
            Some(other) => {
                self.err(
                    &spath,
                    format!(
                        "`{other}` is not a schedule (tiers, per_step, multiplier, per_breach)"
                    ),
                );
                None
            }
            None => None,
        };
        match (&schedule, is_availability) {
            (Some(Schedule::PerBreach(_)), Some(true)) => {
                self.err(
                    &spath,
                    "per_breach fits only incident terms (response, resolution)",
                );
            }
            (
                Some(Schedule::Tiers(_) | Schedule::PerStep { .. } | Schedule::Multiplier(_)),
                Some(false),
            ) => {
                self.err(&spath, "an incident term takes schedule = \"per_breach\"");
            }
            _ => {}
        }
        let cap_percent = self.decimal(&mut f, "cap_percent", false, Some(0), Some(100));
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
        })
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
            let percent = self.decimal(&mut tf, "percent", true, Some(0), Some(100));
            self.finish(tf);
            match (below, percent) {
                (Some(below), Some(percent)) => {
                    if let Some(prev) = tiers.last().map(|t: &Tier| t.below) {
                        if below >= prev {
                            self.err(format!("{p}.below"), format!("{below} must be below the previous tier's {prev} (tiers strictly decrease)"));
                            ok = false;
                        }
                    } else if let Some(SlaTerm::Availability(a)) = term {
                        if below > a.target {
                            self.err(
                                format!("{p}.below"),
                                format!("{below} is above the target {}", a.target),
                            );
                            ok = false;
                        }
                    }
                    tiers.push(Tier { below, percent });
                }
                _ => ok = false,
            }
        }
        ok.then_some(tiers)
    }

    fn credit_rules(&mut self, t: &Table) -> Option<CreditRules> {
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
        if let Some(r) = self.sub_table(&mut f, "rounding", false) {
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
        }
        if let Some(m) = self.decimal(&mut f, "minimum_credit", false, Some(0), None) {
            c.minimum_credit = m;
        }
        c.claim_window_days = self.integer(&mut f, "claim_window_days", false, 0, 36_500);
        if let Some(ch) = self.sub_table(&mut f, "chronic", false) {
            let mut cf = self.fields(ch, "credit.chronic");
            let n = self.integer(&mut cf, "breached_periods", true, 1, 1_200);
            let m = self.integer(&mut cf, "within_months", true, 1, 1_200);
            if let (Some(n), Some(m)) = (n, m) {
                if m < n {
                    self.err(
                        "credit.chronic.within_months",
                        format!("{m} is less than breached_periods {n}"),
                    );
                } else {
                    c.chronic = Some(Chronic {
                        breached_periods: n,
                        within_months: m,
                    });
                }
            }
            self.finish(cf);
        }
        self.finish(f);
        ok.then_some(c)
    }
}

impl Default for CreditRules {
    fn default() -> Self {
        CreditRules {
            aggregation: Aggregation::Sum,
            cap_percent: None,
            rounding: RoundingRule {
                places: 2,
                mode: RoundMode::HalfUp,
                stage: Stage::Total,
            },
            minimum_credit: Decimal::ZERO,
            claim_window_days: None,
            chronic: None,
        }
    }
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let ok = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD"))
}

fn parse_rounding(text: &str) -> Result<Rounding, String> {
    if text == "none" {
        return Ok(Rounding::None);
    }
    let (kind, unit) = text.split_once(':').ok_or_else(|| {
        format!("`{text}` is not a rounding (\"none\", \"ceil:1m\", \"buckets:5m\")")
    })?;
    let unit = parse_duration(unit)?;
    if unit <= 0 {
        return Err(format!(
            "`{text}`: the rounding unit must be longer than 0s"
        ));
    }
    match kind {
        "ceil" => Ok(Rounding::Ceil(unit)),
        "buckets" => Ok(Rounding::Buckets(unit)),
        _ => Err(format!(
            "`{text}` is not a rounding (\"none\", \"ceil:1m\", \"buckets:5m\")"
        )),
    }
}

/// `"08:00-12:00,13:00-17:00"` -> merged spans in seconds after midnight.
fn parse_spans(text: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut spans = Vec::new();
    if text.trim().is_empty() {
        return Ok(spans);
    }
    for part in text.split(',') {
        let bad = || format!("`{}` is not a span like \"09:00-17:00\"", part.trim());
        let (a, b) = part.trim().split_once('-').ok_or_else(bad)?;
        let hm = |s: &str, allow_24: bool| -> Option<u32> {
            let (h, m) = s.trim().split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            match (h, m) {
                (24, 0) if allow_24 => Some(86_400),
                (0..=23, 0..=59) => Some(h * 3600 + m * 60),
                _ => None,
            }
        };
        let (s, e) = (hm(a, false).ok_or_else(bad)?, hm(b, true).ok_or_else(bad)?);
        if s >= e {
            return Err(format!(
                "`{}`: a span must end after it starts and may not cross midnight",
                part.trim()
            ));
        }
        spans.push((s, e));
    }
    spans.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[contract]
id = "C"
currency = "EUR"
timezone = "Europe/London"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "100"
[[slas]]
id = "a"
service = "s"
kind = "availability"
target = "99.9"
[slas.credit]
schedule = "tiers"
tiers = [{ below = "99.9", percent = "10" }]
"#;

    fn problems(text: &str) -> Vec<String> {
        Terms::parse(text)
            .unwrap_err()
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn defaults_apply_when_tables_are_omitted() {
        let t = Terms::parse(MINIMAL).unwrap();
        let SlaTerm::Availability(a) = &t.slas[0].term else {
            panic!()
        };
        assert_eq!(
            (
                a.min_outage_seconds,
                a.rounding,
                a.partial_impact,
                a.maintenance_in_denominator
            ),
            (0, Rounding::None, PartialImpact::Weighted, true)
        );
        assert_eq!(t.credit, CreditRules::default());
        assert_eq!(t.slas[0].credit.basis, Basis::Service);
    }

    #[test]
    fn floats_unknown_keys_and_bad_refs_are_all_listed_with_paths() {
        let text = MINIMAL
            .replace("target = \"99.9\"", "target = 99.9\ncolour = \"red\"")
            .replace("service = \"s\"", "service = \"nope\"");
        assert_eq!(
            problems(&text),
            vec![
                "slas[0].service: `nope` names no service in [[services]]",
                "slas[0].target: 99.9 is a TOML float; write exact decimals as strings, e.g. \"99.9\"",
                "slas[0].colour: unknown key",
            ]
        );
    }

    #[test]
    fn tiers_must_strictly_decrease_and_start_at_or_below_target() {
        let text = MINIMAL.replace(
            r#"tiers = [{ below = "99.9", percent = "10" }]"#,
            r#"tiers = [{ below = "99.95", percent = "10" }, { below = "99.95", percent = "20" }]"#,
        );
        assert_eq!(
            problems(&text),
            vec![
                "slas[0].credit.tiers[0].below: 99.95 is above the target 99.9",
                "slas[0].credit.tiers[1].below: 99.95 must be below the previous tier's 99.95 (tiers strictly decrease)"
            ]
        );
    }

    #[test]
    fn schedule_must_fit_kind_and_ranges_hold() {
        let text = MINIMAL
            .replace(
                r#"schedule = "tiers""#,
                "schedule = \"per_breach\"\npercent = \"101\"",
            )
            .replace(r#"tiers = [{ below = "99.9", percent = "10" }]"#, "");
        assert_eq!(
            problems(&text),
            vec!["slas[0].credit.percent: 101 is outside 0..=100"]
        );
        let text = MINIMAL
            .replace(
                r#"schedule = "tiers""#,
                "schedule = \"per_breach\"\npercent = \"5\"",
            )
            .replace(r#"tiers = [{ below = "99.9", percent = "10" }]"#, "");
        assert_eq!(problems(&text), vec!["slas[0].credit.schedule: per_breach fits only incident terms (response, resolution)"]);
    }

    #[test]
    fn spans_merge_and_reject_midnight_crossing() {
        assert_eq!(
            parse_spans("13:00-17:00, 08:00-12:00,11:00-13:30"),
            Ok(vec![(28_800, 61_200)])
        );
        assert_eq!(parse_spans("00:00-24:00"), Ok(vec![(0, 86_400)]));
        assert!(parse_spans("22:00-02:00").is_err());
        assert!(parse_spans("24:00-24:00").is_err());
        assert!(parse_spans("9:00-17:00").is_err());
    }

    #[test]
    fn durations_and_rounding_units_are_checked() {
        assert_eq!(parse_rounding("buckets:5m"), Ok(Rounding::Buckets(300)));
        assert_eq!(parse_rounding("ceil:1m"), Ok(Rounding::Ceil(60)));
        assert!(parse_rounding("ceil:0s").is_err());
        assert!(parse_rounding("floor:1m").is_err());
        let text = MINIMAL.replace(
            "target = \"99.9\"",
            "target = \"99.9\"\n[slas.downtime]\nmin_outage = \"5\"",
        );
        assert_eq!(problems(&text), vec!["slas[0].downtime.min_outage: `5` is not a duration (write e.g. \"90s\", \"5m\", \"72h\", \"1h30m\")"]);
    }
}
