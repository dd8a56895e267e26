//! Downtime from request counts (terms v2 section 8): `source`,
//! `interval`, `error_rate_above`, `min_requests` and `measure` of
//! `[slas.downtime]`.

use super::fields::{join, Fields, Reader};
use super::{DowntimeSource, RequestMeasure, RequestRule};
use toml::Value;

/// The keys only `source = "requests"` reads.
const REQUEST_KEYS: [&str; 4] = ["interval", "error_rate_above", "min_requests", "measure"];

impl Reader {
    /// The downtime source; `None` when a value was rejected.
    pub(super) fn downtime_source(
        &mut self,
        d: &mut Fields<'_>,
        dpath: &str,
    ) -> Option<DowntimeSource> {
        let requests = if self.v2_key(d, "source") {
            match self.string(d, "source", false).as_deref() {
                None | Some("outages") => false,
                Some("requests") => true,
                Some(other) => {
                    self.err(
                        join(dpath, "source"),
                        format!("`{other}` is not one of outages, requests"),
                    );
                    return None;
                }
            }
        } else {
            false
        };
        if !requests {
            for key in REQUEST_KEYS {
                if d.table.contains_key(key) {
                    d.used.insert(key);
                    self.err(join(dpath, key), "applies only with source = \"requests\"");
                }
            }
            return Some(DowntimeSource::Outages);
        }
        self.request_rule(d, dpath).map(DowntimeSource::Requests)
    }

    fn request_rule(&mut self, d: &mut Fields<'_>, dpath: &str) -> Option<RequestRule> {
        let measure = match self.string(d, "measure", false).as_deref() {
            None | Some("downtime") => Some(RequestMeasure::Downtime),
            Some("error_rate_average") => Some(RequestMeasure::ErrorRateAverage),
            Some(other) => {
                self.err(
                    join(dpath, "measure"),
                    format!("`{other}` is not one of downtime, error_rate_average"),
                );
                None
            }
        };
        let interval = self.request_interval(d, dpath);
        let min_requests = self.min_requests(d, dpath);
        let error_rate_above = match measure {
            Some(RequestMeasure::Downtime) => {
                Some(self.decimal(d, "error_rate_above", true, Some(0), Some(100))?)
            }
            _ => {
                if d.table.contains_key("error_rate_above") {
                    d.used.insert("error_rate_above");
                    self.err(
                        join(dpath, "error_rate_above"),
                        "does not apply with measure = \"error_rate_average\"",
                    );
                }
                None
            }
        };
        Some(RequestRule {
            interval_seconds: interval?,
            error_rate_above,
            min_requests: min_requests?,
            measure: measure?,
        })
    }

    /// `interval`: required, and it must divide one day so that every
    /// day's intervals start at the same local times.
    fn request_interval(&mut self, d: &mut Fields<'_>, dpath: &str) -> Option<i64> {
        if !d.table.contains_key("interval") {
            self.err(join(dpath, "interval"), "required key is missing");
            return None;
        }
        let s = self.duration(d, "interval")?;
        if s <= 0 || 86_400 % s != 0 {
            self.err(
                join(dpath, "interval"),
                format!("{s} s does not divide one day (86400 s)"),
            );
            return None;
        }
        Some(s)
    }

    fn min_requests(&mut self, d: &mut Fields<'_>, dpath: &str) -> Option<u64> {
        let path = join(dpath, "min_requests");
        match self.get(d, "min_requests", false) {
            None => Some(0),
            Some(Value::Integer(i)) if *i >= 0 => Some(*i as u64),
            Some(other) => {
                self.err(path, format!("expected a whole number >= 0, found {other}"));
                None
            }
        }
    }
}
