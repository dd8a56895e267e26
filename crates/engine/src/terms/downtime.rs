//! An availability term's `[slas.downtime]` and `[slas.exclusions]`:
//! outage-based downtime (v1) or request counts (terms v2 section 8), and
//! the keys that do not apply to the one chosen.

use super::fields::{join, Fields, Reader};
use super::text::parse_rounding;
use super::{Availability, DowntimeSource, PartialImpact, RequestMeasure, Rounding};
use toml::Table;

impl Reader {
    /// `[slas.downtime]` into `a`; false when a value was rejected (the
    /// term then has no valid reading).
    pub(super) fn downtime(
        &mut self,
        t: &Table,
        dpath: &str,
        a: &mut Availability,
        requests: bool,
    ) -> bool {
        let mut d = self.fields(t, dpath);
        let source = self.downtime_source(&mut d, dpath);
        let ok = match &source {
            None if !requests => false,
            Some(DowntimeSource::Outages) => self.outage_downtime(&mut d, dpath, a),
            None | Some(DowntimeSource::Requests(_)) => {
                // Request intervals are whole and unweighted (section 8):
                // these keys would mean something the counts cannot say.
                self.misplaced(
                    &mut d,
                    dpath,
                    &["min_outage", "rounding", "partial_impact"],
                    "does not apply with source = \"requests\"",
                );
                let measure = match &source {
                    Some(DowntimeSource::Requests(rule)) => Some(rule.measure),
                    _ => None,
                };
                if measure == Some(RequestMeasure::ErrorRateAverage) {
                    self.misplaced(
                        &mut d,
                        dpath,
                        &["maintenance_in_denominator"],
                        "does not apply with measure = \"error_rate_average\" (maintenance is not excluded)",
                    );
                } else if let Some(b) = self.boolean(&mut d, "maintenance_in_denominator") {
                    a.maintenance_in_denominator = b;
                }
                source.is_some()
            }
        };
        if let Some(s) = source {
            a.source = s;
        }
        self.finish(d);
        ok
    }

    /// The keys of outage-based downtime into `a`.
    fn outage_downtime(&mut self, d: &mut Fields<'_>, dpath: &str, a: &mut Availability) -> bool {
        let mut ok = true;
        a.min_outage_seconds = self.duration(d, "min_outage").unwrap_or(0);
        if let Some(r) = self.string(d, "rounding", false) {
            match parse_rounding(&r) {
                Ok(Rounding::Floor(_)) if !self.needs_v2(&join(dpath, "rounding")) => ok = false,
                Ok(v) => a.rounding = v,
                Err(m) => {
                    self.err(join(dpath, "rounding"), m);
                    ok = false;
                }
            }
        }
        if let Some(p) = self.string(d, "partial_impact", false) {
            a.partial_impact = match p.as_str() {
                "weighted" => PartialImpact::Weighted,
                "full" => PartialImpact::Full,
                "ignore" => PartialImpact::Ignore,
                other => {
                    self.err(
                        join(dpath, "partial_impact"),
                        format!("`{other}` is not one of weighted, full, ignore"),
                    );
                    ok = false;
                    PartialImpact::Weighted
                }
            };
        }
        if let Some(b) = self.boolean(d, "maintenance_in_denominator") {
            a.maintenance_in_denominator = b;
        }
        ok
    }

    /// `[slas.exclusions]` into `a`. A cause written empty means
    /// `internal`, as it does on an outage row.
    pub(super) fn exclusions(
        &mut self,
        t: &Table,
        epath: &str,
        a: &mut Availability,
        requests: bool,
    ) {
        let mut e = self.fields(t, epath);
        match &a.source {
            _ if requests => {
                self.misplaced(
                    &mut e,
                    epath,
                    &["causes"],
                    "does not apply with source = \"requests\" (request counts carry no cause)",
                );
                let average = matches!(&a.source, DowntimeSource::Requests(r) if r.measure == RequestMeasure::ErrorRateAverage);
                if average {
                    self.misplaced(
                        &mut e,
                        epath,
                        &["maintenance_notice", "maintenance_cap"],
                        "does not apply with measure = \"error_rate_average\" (maintenance is not excluded)",
                    );
                }
            }
            _ => {
                a.excluded_causes = self
                    .string_list(&mut e, "causes")
                    .into_iter()
                    .map(|c| if c.is_empty() { "internal".into() } else { c })
                    .collect();
            }
        }
        if !e.used.contains("maintenance_notice") {
            a.maintenance_notice_seconds = self.duration(&mut e, "maintenance_notice");
        }
        if !e.used.contains("maintenance_cap") {
            a.maintenance_cap_seconds = self.duration(&mut e, "maintenance_cap");
        }
        self.finish(e);
    }
}
