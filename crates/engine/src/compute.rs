//! Terms + events + period in, result + trace out (spec sections 3-6). From
//! percents to money is exact: basis x percent / 100 stays a ratio until a
//! rounding step the terms name.
//!
//! The order of the steps is the order of the trace: pro-rating, then per
//! SLA term its measurement, percent, amount, line cap and line rounding,
//! then for the contract the subtotal, cap, total rounding, minimum credit
//! and claim deadline.

use crate::availability::{availability, request_availability, AvailabilityOutcome, RequestTerm};
use crate::error::ComputeError;
use crate::error::PeriodError;
use crate::events::{incidents_without_opened, ByService, Events};
use crate::fees::{Fees, FeesThen, LineBasis};
use crate::incidents::{incident_clock, ClockOutcome};
use crate::month::Month;
use crate::num::{div, fmt_fixed, fmt_rat, hundred, mul, rat, rat_int, round, Rat};
use crate::parallel::{join_for, map_in_order};
use crate::result::{
    AvailabilityLine, IncidentEntryDoc, IncidentLine, Line, PeriodDoc, ResultDoc, RollingCapDoc,
};
use crate::terms::{
    Aggregation, CreditRules, DowntimeSource, IncidentClock, RollingCap, RoundingRule, Schedule,
    Sla, SlaTerm, Stage, Terms,
};
use crate::time::{fmt_instant, Period};
use crate::window::{line_period, LinePeriod, Quarter};
use num_traits::Zero;
use rust_decimal::Decimal;

/// What a computation may know beyond terms, events and period: facts
/// only a library holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The sum of the totals of the contract's final statements for the
    /// `months - 1` local months before this one (terms v2 section 5);
    /// `None`: not known (a standalone compute), the rolling cap is not
    /// applied.
    pub rolling_issued: Option<Decimal>,
    /// The fees of the contract version in force in the month before
    /// (terms v2 section 4); `None`: the terms' own fees.
    pub fees_then: Option<FeesThen>,
}

/// Computes one period of one contract. `events` must belong to the
/// contract (rows of services it does not name are ignored).
pub fn compute(terms: &Terms, events: &Events, period: &Period) -> Result<ResultDoc, ComputeError> {
    compute_with(terms, events, period, &Inputs::default())
}

/// `compute` with what the caller knows beyond the terms and events.
pub fn compute_with(
    terms: &Terms,
    events: &Events,
    period: &Period,
    inputs: &Inputs,
) -> Result<ResultDoc, ComputeError> {
    // The spec makes an incident without `opened` an error even when no
    // term measures it: the evidence is wrong, not just unused.
    if let Some(r) = incidents_without_opened(&events.incidents).first() {
        return Err(ComputeError::IncidentWithoutOpened {
            incident: r.incident.clone(),
            origin: r.origin.to_string(),
        });
    }
    let rules = &terms.credit;
    let mut warnings = Vec::new();
    let mut trace = Vec::new();
    let month: Month = period.label.parse().map_err(PeriodError::from)?;
    let (rows, mut fees) = join_for(
        terms.slas.len(),
        || ByService::new(events),
        || Fees::new(terms, period, &mut trace),
    );
    let mut lines = Vec::new();
    let mut amounts: Vec<Rat> = Vec::new();
    let mut quarter_seen = false;
    // Each term's line on its own (on two threads when there are many),
    // then taken in the terms' order: the first error is the first term's.
    let each = map_in_order(&terms.slas, |sla| {
        let mut w = Vec::new();
        let got = sla_line(
            terms, sla, &fees, month, inputs, events, &rows, period, &mut w,
        );
        (got, w)
    });
    for (got, w) in each {
        warnings.extend(w);
        let Some((line, amount, quarter)) = got? else {
            continue;
        };
        if let Some(q) = quarter.filter(|_| !quarter_seen) {
            quarter_seen = true;
            fees.for_quarter(terms, &q, &mut trace);
        }
        lines.push(line);
        amounts.push(amount);
    }
    let totals = contract_totals(rules, &amounts, &fees, inputs, &mut trace, &mut warnings);
    let claim_deadline = claim_deadline(terms, period, &mut trace);
    let shown = |v: &Rat| shown(rules.rounding, v);
    Ok(ResultDoc {
        schema: "sla-result/1".into(),
        contract: terms.contract.id.clone(),
        currency: terms.contract.currency.clone(),
        direction: terms.contract.direction.map(|d| d.name().into()),
        period: period_doc(period),
        lines,
        subtotal: shown(&totals.subtotal),
        cap: totals.cap.as_ref().map(shown),
        rolling_cap: totals.rolling_cap,
        total: fmt_fixed(&totals.total, rules.rounding.places),
        claim_deadline,
        chronic: None,
        warnings,
        trace,
    })
}

/// One term's line in the statement of `month`, its amount, and its
/// quarter when it is a quarterly line; `None` when it is evaluated in
/// another month's statement.
#[allow(clippy::too_many_arguments)]
fn sla_line(
    terms: &Terms,
    sla: &Sla,
    fees: &Fees,
    month: Month,
    inputs: &Inputs,
    events: &Events,
    rows: &ByService<'_>,
    period: &Period,
    warnings: &mut Vec<String>,
) -> Result<Option<(Line, Rat, Option<Quarter>)>, ComputeError> {
    let lp = line_period(terms, sla.window, month)?;
    if let LinePeriod::Later(q) = &lp {
        warnings.push(format!(
            "{}: evaluated at the end of quarter {}",
            sla.id, q.label
        ));
        return Ok(None);
    }
    let basis = fees.basis(terms, sla, &lp, month, inputs.fees_then.as_ref(), warnings);
    let (p, quarter) = match &lp {
        LinePeriod::Quarter(q, qp) => (qp, Some(q.clone())),
        _ => (period, None),
    };
    let (mut line, amount) = line(terms, sla, basis, events, rows, p, warnings)?;
    if quarter.is_some() {
        line.set_period(period_doc(p));
    }
    Ok(Some((line, amount, quarter)))
}

fn period_doc(p: &Period) -> PeriodDoc {
    PeriodDoc {
        label: p.label.clone(),
        start: fmt_instant(p.start),
        end: fmt_instant(p.end),
        seconds: p.seconds(),
    }
}

/// What one SLA term measured.
enum Measured {
    Availability(Box<AvailabilityOutcome>),
    Incident(ClockOutcome),
}

/// One SLA term's line and its amount (rounded when the terms round per
/// line).
fn line(
    terms: &Terms,
    sla: &Sla,
    basis: LineBasis,
    events: &Events,
    rows: &ByService<'_>,
    period: &Period,
    warnings: &mut Vec<String>,
) -> Result<(Line, Rat), ComputeError> {
    let LineBasis {
        basis,
        places: basis_places,
        note: basis_note,
    } = basis;
    let mut line_trace = Vec::new();
    if period.label.contains('Q') {
        line_trace.push(format!(
            "Quarterly term: measured over {} ({} to {}, {} s).",
            period.label,
            period.first_date,
            period.last_date,
            period.seconds()
        ));
    }
    let (percent, breached, measured) = match &sla.term {
        SlaTerm::Availability(a) => {
            let mut o = match &a.source {
                DowntimeSource::Outages => availability(
                    &sla.service,
                    a,
                    &sla.credit.schedule,
                    sla.credit.cap_days,
                    rows.of(&sla.service),
                    period,
                ),
                DowntimeSource::Requests(rule) => {
                    let t = RequestTerm {
                        sla: &sla.id,
                        service: &sla.service,
                        a,
                        rule,
                        schedule: &sla.credit.schedule,
                        cap_days: sla.credit.cap_days,
                    };
                    request_availability(&t, rows.of(&sla.service), period)?
                }
            };
            // Moved, not copied: the line is made of the figures below.
            warnings.append(&mut o.warnings);
            line_trace.append(&mut o.trace);
            (
                o.percent.clone(),
                o.breached,
                Measured::Availability(Box::new(o)),
            )
        }
        SlaTerm::Incident(c) => {
            let o = incident_clock(terms, &sla.service, c, events, period)?;
            line_trace.extend(o.trace.iter().cloned());
            let pct = per_breach_percent(sla, &o, &mut line_trace);
            (pct, o.breaches > 0, Measured::Incident(o))
        }
    };
    // Line amount, line cap, line rounding.
    let raw_amount = div(&mul(&basis, &percent), &hundred());
    // Printed once, for the sentence and the line's figures.
    let (basis_text, percent_text) = (fmt_rat(&basis, basis_places), fmt_rat(&percent, 0));
    line_trace.push(format!(
        "Amount = basis {basis_text} ({basis_note}) x {percent_text} % / 100 = {}.",
        fmt_rat(&raw_amount, 0)
    ));
    let amount = line_cap(sla.credit.cap_percent, &basis, raw_amount, &mut line_trace);
    let rounding = terms.credit.rounding;
    let (amount, amount_text) = line_rounding(rounding, amount, &mut line_trace);
    let shown = LineFigures {
        breached,
        // A days tier's percent is days x 100 / N: shown to 6 places.
        percent: match &measured {
            Measured::Availability(o) if o.days.is_some() => fmt_fixed(&percent, 6),
            _ => percent_text,
        },
        basis: basis_text,
        amount: amount_text,
        trace: line_trace,
    };
    let line = match (measured, &sla.term) {
        (Measured::Availability(o), SlaTerm::Availability(a)) => {
            availability_line(sla, a.target, *o, shown)
        }
        (Measured::Incident(o), SlaTerm::Incident(c)) => incident_line(sla, c, o, shown),
        _ => unreachable!("measured as its term"),
    };
    Ok((line, amount))
}

/// `per_breach`: the breaches in the period times the percent, at most 100.
fn per_breach_percent(sla: &Sla, o: &ClockOutcome, line_trace: &mut Vec<String>) -> Rat {
    let Schedule::PerBreach(each) = sla.credit.schedule else {
        unreachable!("validated schedule")
    };
    let raw = rat_int(i64::from(o.breaches)) * rat(each);
    let pct = raw.clone().min(hundred());
    line_trace.push(format!(
        "per_breach: {} breach(es) x {} % = {} %{}.",
        o.breaches,
        each.normalize(),
        fmt_rat(&raw, 0),
        if raw > hundred() {
            ", limited to 100 %"
        } else {
            ""
        }
    ));
    pct
}

/// The line cap, a percent of the line's basis.
fn line_cap(
    cap_percent: Option<Decimal>,
    basis: &Rat,
    amount: Rat,
    line_trace: &mut Vec<String>,
) -> Rat {
    let Some(cp) = cap_percent else {
        return amount;
    };
    let cap = div(&mul(basis, &rat(cp)), &hundred());
    if amount > cap {
        line_trace.push(format!(
            "Line cap {} % of basis = {}: the amount {} is capped to {}.",
            cp.normalize(),
            fmt_rat(&cap, 0),
            fmt_rat(&amount, 0),
            fmt_rat(&cap, 0)
        ));
        cap
    } else {
        line_trace.push(format!(
            "Line cap {} % of basis = {}: not reached.",
            cp.normalize(),
            fmt_rat(&cap, 0)
        ));
        amount
    }
}

/// Rounds the amount when the terms round per line; the amount and its
/// text (exact until a rounding step names places).
fn line_rounding(
    rounding: RoundingRule,
    amount: Rat,
    line_trace: &mut Vec<String>,
) -> (Rat, String) {
    if rounding.stage != Stage::Line {
        let text = fmt_rat(&amount, 0);
        return (amount, text);
    }
    let places = rounding.places;
    let r = round(&amount, places, rounding.mode);
    line_trace.push(format!(
        "Rounded per line ({} places, {}): {} -> {}.",
        places,
        rounding.mode.name(),
        fmt_rat(&amount, 0),
        fmt_fixed(&r, places)
    ));
    let text = fmt_fixed(&r, places);
    (r, text)
}

/// What every line shows, whatever its kind.
struct LineFigures {
    breached: bool,
    percent: String,
    basis: String,
    amount: String,
    trace: Vec<String>,
}

fn availability_line(sla: &Sla, target: Decimal, o: AvailabilityOutcome, f: LineFigures) -> Line {
    // An error-rate average has no downtime or denominator (section 8).
    let average = o
        .request
        .as_ref()
        .is_some_and(|r| r.mean_error_rate.is_some());
    Line::Availability(AvailabilityLine {
        sla: sla.id.clone(),
        kind: "availability".into(),
        service: sla.service.clone(),
        period: None,
        target: target.to_string(),
        uptime: fmt_fixed(&o.uptime, 6),
        breached: f.breached,
        downtime_seconds: (!average).then(|| fmt_rat(&o.downtime, 0)),
        excluded_seconds: o.excluded_seconds.to_string(),
        denominator_seconds: (!average).then(|| o.denominator_seconds.to_string()),
        intervals: o.request.as_ref().map(|r| r.intervals),
        down_intervals: o.request.as_ref().and_then(|r| r.down_intervals),
        mean_error_rate: o.request.as_ref().and_then(|r| r.mean_error_rate.clone()),
        percent: f.percent,
        tier_below: o.tier_below.map(|b| b.to_string()),
        days: o.days.map(|d| d.normalize().to_string()),
        basis: f.basis,
        amount: f.amount,
        trace: f.trace,
        evidence: o.evidence,
        maintenance: o.maintenance,
    })
}

fn incident_line(sla: &Sla, c: &IncidentClock, o: ClockOutcome, f: LineFigures) -> Line {
    Line::Incident(IncidentLine {
        sla: sla.id.clone(),
        kind: c.kind.name().into(),
        service: sla.service.clone(),
        period: None,
        severity: c.severity.clone(),
        target_seconds: c.target_seconds,
        breached: f.breached,
        breaches: o.breaches,
        running: o.running,
        incidents: o
            .entries
            .iter()
            .map(|e| IncidentEntryDoc {
                incident: e.incident.clone(),
                opened_at: fmt_instant(e.opened_at),
                elapsed_seconds: e.elapsed_seconds,
                breached: e.breached,
                breach_at: e.breach_at.map(fmt_instant),
                running: e.running,
            })
            .collect(),
        percent: f.percent,
        basis: f.basis,
        amount: f.amount,
        trace: f.trace,
    })
}

/// A contract-level figure as shown: to the rounding places once lines are
/// rounded, exact otherwise.
fn shown(rounding: RoundingRule, v: &Rat) -> String {
    if rounding.stage == Stage::Line {
        fmt_fixed(v, rounding.places)
    } else {
        fmt_rat(v, 0)
    }
}

struct Totals {
    subtotal: Rat,
    cap: Option<Rat>,
    rolling_cap: Option<RollingCapDoc>,
    total: Rat,
}

/// Aggregate, contract cap, total rounding, minimum.
fn contract_totals(
    rules: &CreditRules,
    amounts: &[Rat],
    fees: &Fees,
    inputs: &Inputs,
    trace: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Totals {
    let rounding = rules.rounding;
    let subtotal = match rules.aggregation {
        Aggregation::Sum => crate::num::sum(amounts),
        Aggregation::Max => amounts.iter().max().cloned().unwrap_or_else(Rat::zero),
    };
    trace.push(match rules.aggregation {
        Aggregation::Sum => format!(
            "Subtotal = sum of {} line amount(s) = {}.",
            amounts.len(),
            shown(rounding, &subtotal)
        ),
        Aggregation::Max => format!(
            "Subtotal = the largest of {} line amount(s) (aggregation = \"max\") = {}.",
            amounts.len(),
            shown(rounding, &subtotal)
        ),
    });
    let mut total = subtotal.clone();
    let cap = rules
        .cap_percent
        .map(|cp| contract_cap(cp, rounding, fees, &mut total, trace));
    let rolling_cap = rules.cap_rolling.map(|rc| {
        let issued = inputs.rolling_issued;
        rolling_cap(rc, issued, rounding, fees, &mut total, trace, warnings)
    });
    if rounding.stage == Stage::Total {
        let r = round(&total, rounding.places, rounding.mode);
        trace.push(format!(
            "Total rounded ({} places, {}): {} -> {}.",
            rounding.places,
            rounding.mode.name(),
            fmt_rat(&total, 0),
            fmt_fixed(&r, rounding.places)
        ));
        total = r;
    }
    let minimum = rat(rules.minimum_credit);
    if total < minimum && !total.is_zero() {
        let note = format!(
            "The total {} is below minimum_credit {} and is not issued: total 0.",
            fmt_fixed(&total, rounding.places),
            rules.minimum_credit
        );
        trace.push(note.clone());
        warnings.push(note);
        total = Rat::zero();
    }
    Totals {
        subtotal,
        cap,
        rolling_cap,
        total,
    }
}

/// The contract cap, a percent of all (pro-rated) fees, applied to `total`.
/// Once lines are rounded the cap is rounded too, so that a capped total
/// is a figure the statement can show.
fn contract_cap(
    cp: Decimal,
    rounding: RoundingRule,
    fees: &Fees,
    total: &mut Rat,
    trace: &mut Vec<String>,
) -> Rat {
    let mut cap = &fees.all * rat(cp) / hundred();
    if rounding.stage == Stage::Line {
        cap = round(&cap, rounding.places, rounding.mode);
    }
    let reached = *total > cap;
    trace.push(format!(
        "Contract cap {} % of {} {} = {}: {}.",
        cp.normalize(),
        fees.all_name,
        fmt_rat(&fees.all, fees.all_places),
        shown(rounding, &cap),
        if reached {
            "the subtotal is capped to it"
        } else {
            "not reached"
        }
    ));
    if reached {
        *total = cap.clone();
    }
    cap
}

/// The cap over rolling months (terms v2 section 5), applied to `total`
/// when what was issued before is known: the total becomes at most
/// max(0, cap - issued). The cap is rounded like the contract cap.
fn rolling_cap(
    rc: RollingCap,
    issued: Option<Decimal>,
    rounding: RoundingRule,
    fees: &Fees,
    total: &mut Rat,
    trace: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> RollingCapDoc {
    let mut cap = &fees.month_all * rat(rc.percent) / hundred();
    if rounding.stage == Stage::Line {
        cap = round(&cap, rounding.places, rounding.mode);
    }
    let before = rc.months - 1;
    let head = format!(
        "Rolling cap {} % of all monthly fees {} = {} over {} month(s)",
        rc.percent.normalize(),
        fmt_rat(&fees.month_all, fees.all_places),
        shown(rounding, &cap),
        rc.months
    );
    let Some(issued) = issued else {
        let note = format!(
            "{head}: not applied, the credits issued in the {before} month(s) before are not known without a library (month end in the library applies it)."
        );
        trace.push(note.clone());
        warnings.push(note);
        return RollingCapDoc {
            months: rc.months,
            cap: shown(rounding, &cap),
            issued: None,
            headroom: None,
        };
    };
    let headroom = (&cap - rat(issued)).max(Rat::zero());
    let reached = *total > headroom;
    trace.push(format!(
        "{head}; issued by the final statements of the {before} month(s) before: {}; headroom max(0, cap - issued) = {}: {}.",
        issued,
        shown(rounding, &headroom),
        if reached {
            "the subtotal is capped to it"
        } else {
            "not reached"
        }
    ));
    if reached {
        *total = headroom.clone();
    }
    RollingCapDoc {
        months: rc.months,
        cap: shown(rounding, &cap),
        issued: Some(issued.to_string()),
        headroom: Some(shown(rounding, &headroom)),
    }
}

/// The last day to claim (v1 section 5 step 6, terms v2 section 6). Every
/// line of a statement covers its month, so the statement's deadline is the
/// month's.
fn claim_deadline(terms: &Terms, period: &Period, trace: &mut Vec<String>) -> Option<String> {
    let rule = terms.credit.claim_rule()?;
    let (d, how) = crate::claim::claim_deadline(&rule, period.last_date, &terms.calendars);
    trace.push(how);
    Some(d.to_string())
}
