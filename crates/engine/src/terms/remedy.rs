//! The `[contract]` keys of terms v2 section 9: whether credits are the sole
//! remedy, and the right to terminate for chronic breach. Informational:
//! they never change a credit; due diligence reports them.

use super::fields::{join, Fields, Reader};
use super::{CreditRules, Termination};

impl Reader {
    /// A v2 key that is present: true when it may be read. In a v1 file it
    /// is marked read (so it is not also "unknown") and named.
    pub(super) fn v2_key(&mut self, f: &mut Fields<'_>, key: &'static str) -> bool {
        if !f.table.contains_key(key) {
            return false;
        }
        if self.needs_v2(&join(&f.path, key)) {
            return true;
        }
        f.used.insert(key);
        false
    }

    /// `sole_remedy` and `termination` of `[contract]`.
    pub(super) fn remedy(&mut self, f: &mut Fields<'_>) -> (Option<bool>, Option<Termination>) {
        let sole = if self.v2_key(f, "sole_remedy") {
            self.boolean(f, "sole_remedy")
        } else {
            None
        };
        let termination = if self.v2_key(f, "termination") {
            self.sub_table(f, "termination", false).and_then(|t| {
                let mut tf = self.fields(t, "contract.termination");
                let chronic = self.boolean(&mut tf, "chronic");
                if !t.contains_key("chronic") {
                    self.err("contract.termination.chronic", "required key is missing");
                }
                let notice_days = self.integer(&mut tf, "notice_days", false, 0, 3_650);
                self.finish(tf);
                chronic.map(|chronic| Termination {
                    chronic,
                    notice_days,
                })
            })
        } else {
            None
        };
        (sole, termination)
    }

    /// A right to terminate for chronic breach needs the rule that says
    /// what chronic breach is (v1 `[credit] chronic`).
    pub(super) fn termination_fits(
        &mut self,
        t: Option<&Termination>,
        credit: Option<&CreditRules>,
    ) {
        if let (Some(t), Some(c)) = (t, credit) {
            if t.chronic && c.chronic.is_none() {
                self.err(
                    "contract.termination.chronic",
                    "true needs a [credit] chronic rule (it says what a chronic breach is)",
                );
            }
        }
    }
}
