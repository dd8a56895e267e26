//! The reader's primitives: one key of one table at a time, each problem
//! recorded under its key path, and the keys never asked for reported as
//! unknown when the table is finished.

use super::text::parse_date;
use crate::duration::parse_duration;
use crate::error::TermsProblem;
use crate::num::parse_decimal;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// Walks one TOML table, remembering which keys were read so the rest can be
/// reported as unknown.
pub(super) struct Fields<'a> {
    pub(super) table: &'a Table,
    pub(super) path: String,
    pub(super) used: BTreeSet<&'a str>,
}

#[derive(Default)]
pub(super) struct Reader {
    pub(super) problems: Vec<TermsProblem>,
    /// `schema = "sla-terms/2"`: the keys and values of terms v2 are allowed.
    pub(super) v2: bool,
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A key's path, joined only if a problem is recorded under it: a
/// 2,000-SLA file joined a path for every key it read (issue 15).
#[derive(Clone, Copy)]
pub(super) struct At<'p> {
    table: &'p str,
    key: &'p str,
}

impl<'p> At<'p> {
    pub(super) fn new(table: &'p str, key: &'p str) -> At<'p> {
        At { table, key }
    }
}

impl From<At<'_>> for String {
    fn from(at: At<'_>) -> String {
        join(at.table, at.key)
    }
}

pub(super) fn type_name(v: &Value) -> &'static str {
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
    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(TermsProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A terms v2 key or value at `path`: a problem in a v1 file. True when
    /// the file may use it.
    pub(super) fn needs_v2(&mut self, path: &str) -> bool {
        if !self.v2 {
            self.err(path, "needs schema sla-terms/2");
        }
        self.v2
    }

    pub(super) fn fields<'a>(&mut self, table: &'a Table, path: &str) -> Fields<'a> {
        Fields {
            table,
            path: path.to_string(),
            used: BTreeSet::new(),
        }
    }

    pub(super) fn finish(&mut self, f: Fields<'_>) {
        for key in f.table.keys() {
            if !f.used.contains(key.as_str()) {
                self.err(join(&f.path, key), "unknown key");
            }
        }
    }

    pub(super) fn get<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'a str,
        required: bool,
    ) -> Option<&'a Value> {
        f.used.insert(key);
        let v = f.table.get(key);
        if v.is_none() && required {
            self.err(join(&f.path, key), "required key is missing");
        }
        v
    }

    pub(super) fn string(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<String> {
        match self.get(f, key, required)? {
            Value::String(s) if s.trim().is_empty() && required => {
                self.err(join(&f.path, key), "must not be empty");
                None
            }
            Value::String(s) => Some(s.trim().to_string()),
            other => {
                self.err(
                    join(&f.path, key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn decimal_value(&mut self, path: impl Into<String>, v: &Value) -> Option<Decimal> {
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
    pub(super) fn decimal(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
        lo: Option<i64>,
        hi: Option<i64>,
    ) -> Option<Decimal> {
        let v = self.get(f, key, required)?;
        let at = At::new(&f.path, key);
        let d = self.decimal_value(at, v)?;
        self.range(at, d, lo, hi)
    }

    pub(super) fn range(
        &mut self,
        path: impl Into<String>,
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

    pub(super) fn duration(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<i64> {
        let v = self.get(f, key, false)?;
        let path = At::new(&f.path, key);
        match v {
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

    pub(super) fn boolean(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<bool> {
        let v = self.get(f, key, false)?;
        let path = At::new(&f.path, key);
        match v {
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

    pub(super) fn integer(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
        lo: i64,
        hi: i64,
    ) -> Option<u32> {
        let v = self.get(f, key, required)?;
        let path = At::new(&f.path, key);
        match v {
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

    pub(super) fn date(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<NaiveDate> {
        let v = self.get(f, key, required)?;
        let path = At::new(&f.path, key);
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

    pub(super) fn sub_table<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'a str,
        required: bool,
    ) -> Option<&'a Table> {
        let v = self.get(f, key, required)?;
        let path = At::new(&f.path, key);
        match v {
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

    pub(super) fn array<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'a str,
        required: bool,
    ) -> Option<&'a Vec<Value>> {
        let v = self.get(f, key, required)?;
        let path = At::new(&f.path, key);
        match v {
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

    pub(super) fn string_list(&mut self, f: &mut Fields<'_>, key: &'static str) -> Vec<String> {
        let Some(items) = self.array(f, key, false) else {
            return Vec::new();
        };
        let path = At::new(&f.path, key);
        let mut out = Vec::new();
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.trim().to_lowercase()),
                other => self.err(
                    format!("{}[{i}]", String::from(path)),
                    format!("expected a string, found {}", type_name(other)),
                ),
            }
        }
        out
    }

    pub(super) fn timezone(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Tz> {
        let name = self.string(f, key, required)?;
        let path = At::new(&f.path, key);
        name.parse::<Tz>()
            .map_err(|_| {
                self.err(
                    path,
                    format!("`{name}` is not an IANA time zone (e.g. America/New_York)"),
                )
            })
            .ok()
    }
}
