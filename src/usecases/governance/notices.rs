//! Breach notices: drafts (text and e-mail) for every breached line of a
//! month, from the library's templates; never sent.

use super::{create_dir, read, write};
use crate::usecases::Session;
use crate::{AppError, Code};
use serde::{Deserialize, Serialize};
use sla_engine::terms::Direction;
use sla_governance::notices;
use sla_store::statements::StatementInfo;
use sla_store::StatementStatus;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NoticeFiles {
    pub statement: String,
    pub sla: String,
    pub files: Vec<String>,
}

fn template(dir: Option<&Path>, name: &str, default: &str) -> Result<String, AppError> {
    let Some(d) = dir else {
        return Ok(default.to_string());
    };
    let p = d.join(format!("{name}.txt"));
    if !p.exists() {
        return Ok(default.to_string());
    }
    let t = read(&p.display().to_string())?;
    let problems = notices::check(&p.display().to_string(), &t);
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(AppError::invalid(Code::Definition, problems.join("\n")))
    }
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The notice templates a library uses: `LIBRARY/templates/`, edited in
/// the app's Settings, else the built-in ones.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NoticeTemplates {
    pub legal: String,
    pub customer_success: String,
    /// The placeholders a template may use, for the editor.
    pub placeholders: Vec<String>,
}

fn library_templates(s: &Session) -> PathBuf {
    s.dir().join("templates")
}

pub fn templates(s: &Session) -> Result<NoticeTemplates, AppError> {
    let t = library_templates(s);
    Ok(NoticeTemplates {
        legal: template(Some(&t), "legal", notices::LEGAL)?,
        customer_success: template(Some(&t), "customer-success", notices::CUSTOMER_SUCCESS)?,
        placeholders: notices::PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect(),
    })
}

/// Checks and stores the library's templates (both or neither), with an
/// audit entry carrying their SHA-256.
pub fn save_templates(s: &mut Session, t: &NoticeTemplates) -> Result<(), AppError> {
    let mut problems = notices::check("legal template", &t.legal);
    problems.extend(notices::check(
        "customer success template",
        &t.customer_success,
    ));
    if !problems.is_empty() {
        return Err(AppError::invalid(Code::Definition, problems.join("\n")));
    }
    let folder = library_templates(s);
    create_dir(&folder)?;
    for (name, text) in [
        ("legal", &t.legal),
        ("customer-success", &t.customer_success),
    ] {
        write(&folder.join(format!("{name}.txt")), text.as_bytes())?;
    }
    s.lib.record(
        &s.ctx,
        "notice.templates",
        "templates",
        &serde_json::json!({
            "legal_sha256": sla_store::sha256_hex(t.legal.as_bytes()),
            "customer_success_sha256": sla_store::sha256_hex(t.customer_success.as_bytes()),
        }),
    )?;
    Ok(())
}

/// The placeholders of one breached line, as the templates use them.
fn fields(
    st: &StatementInfo,
    terms: &sla_engine::Terms,
    r: &sla_engine::ResultDoc,
    line: &sla_engine::Line,
) -> BTreeMap<&'static str, String> {
    let (sla, service, measured, target) = match line {
        sla_engine::Line::Availability(a) => (
            a.sla.clone(),
            a.service.clone(),
            format!("{} % availability", a.uptime),
            format!("{} %", a.target),
        ),
        sla_engine::Line::Incident(i) => (
            i.sla.clone(),
            i.service.clone(),
            format!("{} {} incident(s) over the target", i.breaches, i.severity),
            format!(
                "{} within {}",
                i.kind,
                sla_engine::duration::fmt_duration(i.target_seconds)
            ),
        ),
    };
    let c = &terms.contract;
    let mut f = BTreeMap::new();
    f.insert("contract", st.contract.clone());
    f.insert(
        "counterparty",
        c.counterparty
            .clone()
            .unwrap_or_else(|| "the counterparty".into()),
    );
    f.insert(
        "title",
        c.title.clone().unwrap_or_else(|| st.contract.clone()),
    );
    f.insert(
        "direction",
        r.direction
            .as_deref()
            .and_then(Direction::parse)
            .map_or("direction not set in the terms", |d| d.owed())
            .to_string(),
    );
    f.insert("period", r.period.label.clone());
    f.insert("sla", sla);
    f.insert("service", service);
    f.insert("measured", measured);
    f.insert("target", target);
    f.insert(
        "credit",
        sla_engine::num::group_thousands(&sla_engine::num::pad_places(
            line.amount(),
            terms.credit.rounding.places,
        )),
    );
    f.insert("currency", r.currency.clone());
    f.insert(
        "claim_deadline",
        r.claim_deadline
            .clone()
            .unwrap_or_else(|| "no deadline in the terms".into()),
    );
    f.insert("statement", st.number.clone());
    f
}

/// Where notices go and which templates they use: `templates` (files
/// `legal.txt`, `customer-success.txt`), else the library's own, else the
/// built-in ones; `out`, else the library's `notices/PERIOD` folder.
#[derive(Debug, Clone, Default)]
pub struct NoticeRequest<'a> {
    pub period: &'a str,
    pub out: Option<&'a str>,
    pub templates: Option<&'a str>,
}

/// Drafts notices for every breached line of the month's current
/// statements; each statement's drafts are recorded (with their SHA-256)
/// in the audit chain as not sent.
pub fn draft(s: &mut Session, req: &NoticeRequest<'_>) -> Result<Vec<NoticeFiles>, AppError> {
    sla_store::statements::month_dates(req.period)?;
    let own = library_templates(s);
    let dir = req.templates.map(Path::new).unwrap_or(own.as_path());
    let legal = template(Some(dir), "legal", notices::LEGAL)?;
    let cs = template(Some(dir), "customer-success", notices::CUSTOMER_SUCCESS)?;
    let out =
        crate::usecases::session::folder_or(s, req.out, s.dir().join("notices").join(req.period))?;
    create_dir(&out)?;
    let mut written = Vec::new();
    for st in s.lib.list_statements(Some(req.period), None)? {
        if st.status == StatementStatus::Superseded || !st.breached {
            continue;
        }
        let full = s.lib.statement(&st.number)?;
        let terms = s.lib.terms_of(&st.contract, None)?;
        let mut files = Vec::new();
        for line in full.result.lines.iter().filter(|x| x.breached()) {
            let f = fields(&st, &terms, &full.result, line);
            let first = files.len();
            for (who, t, to) in [
                ("legal", &legal, "Legal".to_string()),
                ("customer-success", &cs, f["counterparty"].clone()),
            ] {
                let (subject, body) = notices::render(t, &f);
                let stem = format!("{}_{}_{who}", safe(&st.number), safe(&f["sla"]));
                let txt = out.join(format!("{stem}.txt"));
                let eml = out.join(format!("{stem}.eml"));
                let txt_body = format!("Subject: {subject}\n\n{body}");
                write(&txt, txt_body.as_bytes())?;
                let m = notices::eml(&to, &subject, &body, s.ctx.now, &st.number);
                write(&eml, m.as_bytes())?;
                files.push((
                    txt.display().to_string(),
                    sla_store::sha256_hex(txt_body.as_bytes()),
                ));
                files.push((
                    eml.display().to_string(),
                    sla_store::sha256_hex(m.as_bytes()),
                ));
            }
            written.push(NoticeFiles {
                statement: st.number.clone(),
                sla: f["sla"].clone(),
                files: files[first..].iter().map(|(p, _)| p.clone()).collect(),
            });
        }
        s.lib.record(
            &s.ctx,
            "notice.draft",
            &st.number,
            &serde_json::json!({ "files": files.iter().map(|(p, h)| serde_json::json!({ "file": p, "sha256": h })).collect::<Vec<_>>(), "sent": false }),
        )?;
    }
    Ok(written)
}
