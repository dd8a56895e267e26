//! Terms + events + period in, result + trace out (spec sections 3-6). From
//! percents to money is exact: basis x percent / 100 stays a ratio until a
//! rounding step the terms name.

use crate::availability::availability;
use crate::error::ComputeError;
use crate::events::{incidents_without_opened, Events};
use crate::incidents::incident_clock;
use crate::num::{fmt_fixed, fmt_rat, hundred, rat, rat_int, round, Rat};
use crate::result::{AvailabilityLine, IncidentEntryDoc, IncidentLine, Line, PeriodDoc, ResultDoc};
use crate::terms::{Aggregation, Basis, Schedule, SlaTerm, Stage, Terms};
use crate::time::{fmt_instant, Period};
use chrono::Duration;
use num_traits::Zero;

/// Computes one period of one contract. `events` must belong to the
/// contract (rows of services it does not name are ignored).
pub fn compute(terms: &Terms, events: &Events, period: &Period) -> Result<ResultDoc, ComputeError> {
    if let Some(r) = incidents_without_opened(&events.incidents).first() {
        return Err(ComputeError::IncidentWithoutOpened {
            incident: r.incident.clone(),
            origin: r.origin.to_string(),
        });
    }
    let rules = &terms.credit;
    let rounding = rules.rounding;
    let places = rounding.places;
    let mut warnings = Vec::new();
    let mut trace = Vec::new();

    // Pro-rating: fees scale with the elapsed seconds of the cut period.
    let factor = Rat::new(
        rat_int(period.seconds()).to_integer(),
        rat_int(period.month_seconds()).to_integer(),
    );
    if period.is_cut() {
        trace.push(format!(
            "The terms are in force for {} of the month's {} s ({} to {}); fees are pro-rated by {}/{}.",
            period.seconds(),
            period.month_seconds(),
            period.first_date,
            period.last_date,
            period.seconds(),
            period.month_seconds()
        ));
    }
    let fee = |d| rat(d) * &factor;
    let all_fees: Rat = terms.services.iter().map(|s| fee(s.monthly_fee)).sum();
    let fee_min_places = terms
        .services
        .iter()
        .map(|s| s.monthly_fee.scale())
        .max()
        .unwrap_or(0);

    let mut lines = Vec::new();
    let mut amounts: Vec<Rat> = Vec::new();
    for sla in &terms.slas {
        let service = terms.service(&sla.service).expect("validated service");
        let (basis, basis_places, basis_note) = match sla.credit.basis {
            Basis::Service => (
                fee(service.monthly_fee),
                service.monthly_fee.scale(),
                format!("the monthly fee of `{}`", service.id),
            ),
            Basis::Contract => (
                all_fees.clone(),
                fee_min_places,
                "all services' monthly fees".to_string(),
            ),
        };
        let mut line_trace = Vec::new();
        let (percent, breached, outcome) = match &sla.term {
            SlaTerm::Availability(a) => {
                let o = availability(&sla.service, a, &sla.credit.schedule, events, period);
                warnings.extend(o.warnings.iter().cloned());
                line_trace.extend(o.trace.iter().cloned());
                (o.percent.clone(), o.breached, Ok(o))
            }
            SlaTerm::Incident(c) => {
                let o = incident_clock(terms, &sla.service, c, events, period)?;
                line_trace.extend(o.trace.iter().cloned());
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
                (pct, o.breaches > 0, Err(o))
            }
        };
        // Line amount, line cap, line rounding.
        let raw_amount = &basis * &percent / hundred();
        line_trace.push(format!(
            "Amount = basis {} ({basis_note}) x {} % / 100 = {}.",
            fmt_rat(&basis, basis_places),
            fmt_rat(&percent, 0),
            fmt_rat(&raw_amount, 0)
        ));
        let mut amount = raw_amount.clone();
        if let Some(cp) = sla.credit.cap_percent {
            let cap = &basis * rat(cp) / hundred();
            if amount > cap {
                line_trace.push(format!(
                    "Line cap {} % of basis = {}: the amount {} is capped to {}.",
                    cp.normalize(),
                    fmt_rat(&cap, 0),
                    fmt_rat(&amount, 0),
                    fmt_rat(&cap, 0)
                ));
                amount = cap;
            } else {
                line_trace.push(format!(
                    "Line cap {} % of basis = {}: not reached.",
                    cp.normalize(),
                    fmt_rat(&cap, 0)
                ));
            }
        }
        let amount_text = if rounding.stage == Stage::Line {
            let r = round(&amount, places, rounding.mode);
            line_trace.push(format!(
                "Rounded per line ({} places, {}): {} -> {}.",
                places,
                rounding.mode.name(),
                fmt_rat(&amount, 0),
                fmt_fixed(&r, places)
            ));
            amount = r;
            fmt_fixed(&amount, places)
        } else {
            fmt_rat(&amount, 0)
        };
        amounts.push(amount);
        let basis_text = fmt_rat(&basis, basis_places);
        let percent_text = fmt_rat(&percent, 0);
        lines.push(match outcome {
            Ok(o) => Line::Availability(AvailabilityLine {
                sla: sla.id.clone(),
                kind: "availability".into(),
                service: sla.service.clone(),
                target: match &sla.term {
                    SlaTerm::Availability(a) => a.target.to_string(),
                    _ => unreachable!(),
                },
                uptime: fmt_fixed(&o.uptime, 6),
                breached,
                downtime_seconds: fmt_rat(&o.downtime, 0),
                excluded_seconds: o.excluded_seconds.to_string(),
                denominator_seconds: o.denominator_seconds.to_string(),
                percent: percent_text,
                tier_below: o.tier_below.map(|b| b.to_string()),
                basis: basis_text,
                amount: amount_text,
                trace: line_trace,
                evidence: o.evidence,
                maintenance: o.maintenance,
            }),
            Err(o) => Line::Incident(IncidentLine {
                sla: sla.id.clone(),
                kind: match &sla.term {
                    SlaTerm::Incident(c) => c.kind.name().into(),
                    _ => unreachable!(),
                },
                service: sla.service.clone(),
                severity: match &sla.term {
                    SlaTerm::Incident(c) => c.severity.clone(),
                    _ => unreachable!(),
                },
                target_seconds: match &sla.term {
                    SlaTerm::Incident(c) => c.target_seconds,
                    _ => unreachable!(),
                },
                breached,
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
                percent: percent_text,
                basis: basis_text,
                amount: amount_text,
                trace: line_trace,
            }),
        });
    }

    // Aggregate, contract cap, total rounding, minimum.
    let subtotal = match rules.aggregation {
        Aggregation::Sum => amounts.iter().sum::<Rat>(),
        Aggregation::Max => amounts.iter().max().cloned().unwrap_or_else(Rat::zero),
    };
    let shown = |v: &Rat| {
        if rounding.stage == Stage::Line {
            fmt_fixed(v, places)
        } else {
            fmt_rat(v, 0)
        }
    };
    trace.push(match rules.aggregation {
        Aggregation::Sum => format!(
            "Subtotal = sum of {} line amount(s) = {}.",
            amounts.len(),
            shown(&subtotal)
        ),
        Aggregation::Max => format!(
            "Subtotal = the largest of {} line amount(s) (aggregation = \"max\") = {}.",
            amounts.len(),
            shown(&subtotal)
        ),
    });
    let mut total = subtotal.clone();
    let cap = rules.cap_percent.map(|cp| {
        let mut cap = &all_fees * rat(cp) / hundred();
        if rounding.stage == Stage::Line {
            cap = round(&cap, places, rounding.mode);
        }
        if total > cap {
            trace.push(format!(
                "Contract cap {} % of all monthly fees {} = {}: the subtotal is capped to it.",
                cp.normalize(),
                fmt_rat(&all_fees, fee_min_places),
                shown(&cap)
            ));
            total = cap.clone();
        } else {
            trace.push(format!(
                "Contract cap {} % of all monthly fees {} = {}: not reached.",
                cp.normalize(),
                fmt_rat(&all_fees, fee_min_places),
                shown(&cap)
            ));
        }
        cap
    });
    if rounding.stage == Stage::Total {
        let r = round(&total, places, rounding.mode);
        trace.push(format!(
            "Total rounded ({} places, {}): {} -> {}.",
            places,
            rounding.mode.name(),
            fmt_rat(&total, 0),
            fmt_fixed(&r, places)
        ));
        total = r;
    }
    let minimum = rat(rules.minimum_credit);
    if total < minimum && !total.is_zero() {
        let note = format!(
            "The total {} is below minimum_credit {} and is not issued: total 0.",
            fmt_fixed(&total, places),
            rules.minimum_credit
        );
        trace.push(note.clone());
        warnings.push(note);
        total = Rat::zero();
    }
    let claim_deadline = rules
        .claim_window_days
        .map(|n| (period.last_date + Duration::days(i64::from(n))).to_string());
    if let (Some(n), Some(d)) = (rules.claim_window_days, &claim_deadline) {
        trace.push(format!(
            "Claim deadline: {n} day(s) after the period's last local date {} = {d}.",
            period.last_date
        ));
    }
    Ok(ResultDoc {
        schema: "sla-result/1".into(),
        contract: terms.contract.id.clone(),
        currency: terms.contract.currency.clone(),
        direction: terms.contract.direction.map(|d| d.name().into()),
        period: PeriodDoc {
            label: period.label.clone(),
            start: fmt_instant(period.start),
            end: fmt_instant(period.end),
            seconds: period.seconds(),
        },
        lines,
        subtotal: shown(&subtotal),
        cap: cap.as_ref().map(shown),
        total: fmt_fixed(&total, places),
        claim_deadline,
        chronic: None,
        warnings,
        trace,
    })
}
