//! The fees a statement's figures are of: the month's fees pro-rated to the
//! part in force (v1 section 1), a quarter's (terms v2 section 1: the sum of
//! its months, each pro-rated), or the month before's (terms v2 section 4,
//! from the contract version in force then when a library knows it).

use crate::month::Month;
use crate::num::{fmt_rat, mul, rat, rat_int, Rat};
use crate::terms::{Basis, BasisMonth, Sla, Terms};
use crate::time::Period;
use crate::window::{in_force_factor, LinePeriod, Quarter};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// The monthly fees of the contract version in force in the month before
/// the statement's (terms v2 section 4), as a library knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeesThen {
    /// How the trace names where they come from ("version 2, in force on
    /// 2026-09-30").
    pub source: String,
    /// Monthly fee per service id.
    pub monthly_fees: BTreeMap<String, Decimal>,
}

/// Monthly fees scaled to the statement's month: a cut month pays for the
/// seconds it is in force.
pub(crate) struct Fees {
    factor: Rat,
    /// All services' fees, pro-rated (the contract basis and caps).
    pub(crate) all: Rat,
    /// The most decimal places any fee is written with.
    pub(crate) all_places: u32,
    /// How the trace names `all`.
    pub(crate) all_name: String,
    /// All services' fees of the statement's month, pro-rated: the rolling
    /// cap's base even when `all` is a quarter's (terms v2 section 5).
    pub(crate) month_all: Rat,
    /// Where each service id is in the terms' list: looking it up by a
    /// walk of the list made 2,000 SLAs cost 2,000 x 2,000 comparisons
    /// (issue 15).
    index: HashMap<String, usize>,
}

/// A line's basis, the places to show it with, and how the trace names it.
pub(crate) struct LineBasis {
    pub(crate) basis: Rat,
    pub(crate) places: u32,
    pub(crate) note: String,
}

fn most_places<'a>(fees: impl Iterator<Item = &'a Decimal>) -> u32 {
    fees.map(|f| f.scale()).max().unwrap_or(0)
}

impl Fees {
    pub(crate) fn new(terms: &Terms, period: &Period, trace: &mut Vec<String>) -> Fees {
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
        let all: Rat = terms
            .services
            .iter()
            .map(|s| rat(s.monthly_fee) * &factor)
            .sum();
        Fees {
            factor,
            month_all: all.clone(),
            all,
            all_places: most_places(terms.services.iter().map(|s| &s.monthly_fee)),
            all_name: "all monthly fees".into(),
            index: terms
                .services
                .iter()
                .enumerate()
                .rev()
                .map(|(i, s)| (s.id.clone(), i))
                .collect(),
        }
    }

    /// The contract-level fees become the quarter's when the statement
    /// holds a quarterly line (terms v2 section 1).
    pub(crate) fn for_quarter(&mut self, terms: &Terms, q: &Quarter, trace: &mut Vec<String>) {
        let (factor, how) = quarter_factor(terms, q);
        self.all = terms
            .services
            .iter()
            .map(|s| rat(s.monthly_fee) * &factor)
            .sum();
        self.all_name = format!("all services' fees over {}", q.label);
        trace.push(format!(
            "The statement holds a quarterly line: the contract cap is of all services' fees over {} ({how}) = {}.",
            q.label,
            fmt_rat(&self.all, self.all_places)
        ));
    }

    /// The basis of `sla`'s line over `lp`, in the statement of `month`.
    pub(crate) fn basis(
        &self,
        terms: &Terms,
        sla: &Sla,
        lp: &LinePeriod,
        month: Month,
        then: Option<&FeesThen>,
        warnings: &mut Vec<String>,
    ) -> LineBasis {
        if let LinePeriod::Quarter(q, _) = lp {
            let (factor, how) = quarter_factor(terms, q);
            return self.scaled(terms, sla, &factor, &format!(" over {}: {how}", q.label));
        }
        if sla.credit.basis_month == BasisMonth::Previous {
            if let Some(b) = previous(terms, sla, month, then, warnings) {
                return b;
            }
        }
        self.scaled(terms, sla, &self.factor, "")
    }

    fn scaled(&self, terms: &Terms, sla: &Sla, factor: &Rat, how: &str) -> LineBasis {
        // The first service with the id, as `Terms::service` finds it.
        let service = self
            .index
            .get(&sla.service)
            .and_then(|&i| terms.services.get(i))
            .filter(|s| s.id == sla.service)
            .or_else(|| terms.service(&sla.service))
            .expect("validated service");
        match sla.credit.basis {
            Basis::Service => LineBasis {
                basis: mul(&rat(service.monthly_fee), factor),
                places: service.monthly_fee.scale(),
                note: format!("the monthly fee of `{}`{how}", service.id),
            },
            Basis::Contract => LineBasis {
                basis: terms
                    .services
                    .iter()
                    .map(|s| rat(s.monthly_fee) * factor)
                    .sum(),
                places: self.all_places,
                note: format!("all services' monthly fees{how}"),
            },
        }
    }
}

/// The sum of a quarter's monthly pro-rating factors, and how it adds up
/// ("1 + 1 + 17/31").
fn quarter_factor(terms: &Terms, q: &Quarter) -> (Rat, String) {
    let parts: Vec<Rat> = q
        .months()
        .iter()
        .map(|m| in_force_factor(terms, *m))
        .collect();
    let how = parts
        .iter()
        .map(|f| fmt_rat(f, 0))
        .collect::<Vec<_>>()
        .join(" + ");
    let sum = parts.into_iter().sum::<Rat>();
    (
        sum,
        format!(
            "the sum of its {} months' fees, pro-rated {how}",
            parts_len(q)
        ),
    )
}

fn parts_len(q: &Quarter) -> usize {
    q.months().len()
}

/// The basis of the month before (terms v2 section 4); `None` (and a
/// warning) when the terms were not in force then or the version then had
/// no fee for what the basis needs: the current month's basis applies.
fn previous(
    terms: &Terms,
    sla: &Sla,
    month: Month,
    then: Option<&FeesThen>,
    warnings: &mut Vec<String>,
) -> Option<LineBasis> {
    let prev = month.prev(1)?;
    let mut fallback = |why: String| {
        warnings.push(format!(
            "{}: basis_month = \"previous\", but {why}: the basis is {month}'s fees.",
            sla.id
        ));
        None
    };
    let Ok(pp) = terms.period_of(prev) else {
        return fallback(format!("the terms were not in force in {prev}"));
    };
    let factor = in_force_factor(terms, prev);
    let terms_fees: BTreeMap<String, Decimal> = terms
        .services
        .iter()
        .map(|s| (s.id.clone(), s.monthly_fee))
        .collect();
    let (fees, source) = match then {
        Some(t) => (&t.monthly_fees, t.source.clone()),
        None => (&terms_fees, "the terms' fees".to_string()),
    };
    let pro = if pp.is_cut() {
        format!(
            ", pro-rated by the {} of its {} s in force",
            pp.seconds(),
            pp.month_seconds()
        )
    } else {
        String::new()
    };
    match sla.credit.basis {
        Basis::Service => {
            let Some(fee) = fees.get(&sla.service) else {
                return fallback(format!("`{}` had no fee in {prev} ({source})", sla.service));
            };
            Some(LineBasis {
                basis: rat(*fee) * &factor,
                places: fee.scale(),
                note: format!(
                    "the monthly fee of `{}` in {prev}, the month before ({source}){pro}",
                    sla.service
                ),
            })
        }
        Basis::Contract => Some(LineBasis {
            basis: fees.values().map(|f| rat(*f) * &factor).sum(),
            places: most_places(fees.values()),
            note: format!("all services' monthly fees in {prev}, the month before ({source}){pro}"),
        }),
    }
}
