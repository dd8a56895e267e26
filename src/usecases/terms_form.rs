//! The terms of a contract as form fields, and edits to them written back
//! into the TOML text. Editing goes through `toml_edit` so that the lawyer's
//! comments, order and layout survive: an amendment's diff then shows only
//! what was changed. Each field is addressed by the same key path the terms
//! validator uses in its messages (`slas[0].credit.tiers[1].below`), so a
//! validation problem lands next to the field it is about.

use serde::{Deserialize, Serialize};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// One editable value of a terms file.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TermsField {
    /// Key path, as in validation messages.
    pub path: String,
    /// Where the field sits, for a heading: "contract", "SLA compute-availability · credit".
    pub section: String,
    /// The last key, for the field's label.
    pub label: String,
    /// The value as text (a list is comma-separated).
    pub value: String,
    /// `text`, `whole` (integer), `flag` (true/false) or `list` (of texts).
    pub kind: String,
}

/// A changed field from the form.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FieldEdit {
    pub path: String,
    pub value: String,
}

/// A problem, located at a field's key path (or at a parent path when the
/// validator speaks of something missing).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FieldProblem {
    pub path: String,
    pub message: String,
}

/// The result of applying edits: the new text, and every problem found in
/// it (none means it can be saved as an amendment).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TermsCheck {
    pub toml: String,
    pub problems: Vec<FieldProblem>,
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key.to_string()));
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The heading for a path: list entries are named by their `id` when they
/// have one, so "slas[1]" reads "SLA p1-response".
fn section_of(doc: &DocumentMut, segs: &[Seg]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        match (&segs[i], segs.get(i + 1)) {
            (Seg::Key(k), Some(Seg::Index(n))) if k == "slas" || k == "services" => {
                let id = doc
                    .get(k)
                    .and_then(|a| a.as_array_of_tables())
                    .and_then(|a| a.get(*n))
                    .and_then(|t| t.get("id"))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| (n + 1).to_string());
                parts.push(format!(
                    "{} {id}",
                    if k == "slas" { "SLA" } else { "service" }
                ));
                i += 2;
            }
            (Seg::Key(k), Some(Seg::Index(n))) => {
                parts.push(format!("{k} {}", n + 1));
                i += 2;
            }
            (Seg::Key(k), _) => {
                parts.push(k.clone());
                i += 1;
            }
            (Seg::Index(n), _) => {
                parts.push(format!("{}", n + 1));
                i += 1;
            }
        }
    }
    if parts.is_empty() {
        "terms".into()
    } else {
        parts.join(" · ")
    }
}

fn scalar_field(path: String, v: &Value) -> Option<(String, String, String)> {
    let (value, kind) = match v {
        Value::String(s) => (s.value().clone(), "text"),
        Value::Integer(n) => (n.value().to_string(), "whole"),
        Value::Boolean(b) => (b.value().to_string(), "flag"),
        Value::Float(f) => (f.value().to_string(), "text"),
        Value::Datetime(d) => (d.value().to_string(), "text"),
        Value::Array(a) if a.iter().all(|x| x.is_str()) => (
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            "list",
        ),
        _ => return None,
    };
    Some((path, value, kind.into()))
}

fn walk_value(path: String, v: &Value, out: &mut Vec<(String, String, String)>) {
    match v {
        Value::InlineTable(t) => {
            for (k, x) in t.iter() {
                walk_value(format!("{path}.{k}"), x, out);
            }
        }
        Value::Array(a) if !a.iter().all(|x| x.is_str()) => {
            for (i, x) in a.iter().enumerate() {
                walk_value(format!("{path}[{i}]"), x, out);
            }
        }
        _ => out.extend(scalar_field(path, v)),
    }
}

fn walk_table(prefix: &str, t: &Table, out: &mut Vec<(String, String, String)>) {
    for (k, item) in t.iter() {
        let path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match item {
            Item::Value(v) => walk_value(path, v, out),
            Item::Table(t) => walk_table(&path, t, out),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    walk_table(&format!("{path}[{i}]"), t, out);
                }
            }
            Item::None => {}
        }
    }
}

fn parse_doc(text: &str) -> Result<DocumentMut, FieldProblem> {
    text.parse::<DocumentMut>().map_err(|e| FieldProblem {
        path: String::new(),
        message: format!("not valid TOML: {}", e.message()),
    })
}

/// Every editable value of `text`, in file order. `schema` is left out: it
/// names the format, not a term of the contract.
pub fn fields(text: &str) -> Result<Vec<TermsField>, FieldProblem> {
    let doc = parse_doc(text)?;
    let mut raw = Vec::new();
    walk_table("", doc.as_table(), &mut raw);
    Ok(raw
        .into_iter()
        .filter(|(p, _, _)| p != "schema")
        .map(|(path, value, kind)| {
            let segs = parse_path(&path).unwrap_or_default();
            let (label, parent) = match segs.split_last() {
                Some((Seg::Key(k), rest)) => (k.clone(), rest),
                _ => (path.clone(), &segs[..0]),
            };
            TermsField {
                section: section_of(&doc, parent),
                label,
                path,
                value,
                kind,
            }
        })
        .collect())
}

enum Node<'a> {
    Table(&'a mut Table),
    Item(&'a mut Item),
    Value(&'a mut Value),
}

fn step<'a>(node: Node<'a>, seg: &Seg) -> Option<Node<'a>> {
    match (node, seg) {
        (Node::Table(t), Seg::Key(k)) => t.get_mut(k).map(Node::Item),
        (Node::Item(Item::Table(t)), Seg::Key(k)) => t.get_mut(k).map(Node::Item),
        (Node::Item(Item::Value(v)), s) => step(Node::Value(v), s),
        (Node::Item(Item::ArrayOfTables(a)), Seg::Index(i)) => a.get_mut(*i).map(Node::Table),
        (Node::Value(Value::InlineTable(t)), Seg::Key(k)) => t.get_mut(k).map(Node::Value),
        (Node::Value(Value::Array(a)), Seg::Index(i)) => a.get_mut(*i).map(Node::Value),
        _ => None,
    }
}

fn leaf<'a>(doc: &'a mut DocumentMut, path: &str) -> Option<&'a mut Value> {
    let segs = parse_path(path)?;
    let mut node = Node::Table(doc.as_table_mut());
    for s in &segs {
        node = step(node, s)?;
    }
    match node {
        Node::Item(Item::Value(v)) => Some(v),
        Node::Value(v) => Some(v),
        _ => None,
    }
}

/// The new value for `old`, typed like it: a text stays a text (amounts are
/// written as quoted decimals), a whole number must parse as one.
fn typed(old: &Value, text: &str) -> Result<Value, String> {
    let t = text.trim();
    Ok(match old {
        Value::String(_) => Value::from(t),
        Value::Integer(_) => Value::from(
            t.parse::<i64>()
                .map_err(|_| format!("must be a whole number, not `{t}`"))?,
        ),
        Value::Boolean(_) => Value::from(match t {
            "true" => true,
            "false" => false,
            _ => return Err(format!("must be true or false, not `{t}`")),
        }),
        Value::Array(_) => {
            let mut a = Array::new();
            for part in t.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                a.push(part);
            }
            Value::Array(a)
        }
        _ => t
            .parse::<Value>()
            .map_err(|_| format!("`{t}` is not a value this field can hold"))?,
    })
}

/// The terms text being edited and its fields: what the form shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TermsDraft {
    pub toml: String,
    pub fields: Vec<TermsField>,
    /// Lists whose entries can be added or removed (`slas[0].credit.tiers`),
    /// with their length.
    pub lists: Vec<(String, usize)>,
}

/// Lists of tables inside terms (tiers, services, SLAs, holidays are
/// scalars and edit as text): where entries can be added or removed.
fn lists_of(doc: &DocumentMut) -> Vec<(String, usize)> {
    fn walk(prefix: &str, t: &Table, out: &mut Vec<(String, usize)>) {
        for (k, item) in t.iter() {
            let path = if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            };
            match item {
                Item::Table(t) => walk(&path, t, out),
                Item::ArrayOfTables(a) => {
                    out.push((path.clone(), a.len()));
                    for (i, t) in a.iter().enumerate() {
                        walk(&format!("{path}[{i}]"), t, out);
                    }
                }
                Item::Value(Value::Array(a))
                    if a.iter().all(|x| x.is_inline_table()) && !a.is_empty() =>
                {
                    out.push((path, a.len()));
                }
                Item::Value(Value::InlineTable(_)) | Item::Value(_) | Item::None => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", doc.as_table(), &mut out);
    out
}

pub fn draft(text: &str) -> Result<TermsDraft, FieldProblem> {
    let doc = parse_doc(text)?;
    Ok(TermsDraft {
        toml: text.to_string(),
        fields: fields(text)?,
        lists: lists_of(&doc),
    })
}

/// Adds an entry to a list (a copy of its last entry, to be edited) or
/// removes entry `remove`. The result may not be valid terms yet (two SLAs
/// with one id): the form shows that at the field.
pub fn edit_list(
    text: &str,
    path: &str,
    remove: Option<usize>,
) -> Result<TermsDraft, FieldProblem> {
    let mut doc = parse_doc(text)?;
    let problem = |m: String| FieldProblem {
        path: path.into(),
        message: m,
    };
    let segs = parse_path(path).ok_or_else(|| problem("not a list in these terms".into()))?;
    let mut node = Node::Table(doc.as_table_mut());
    for sg in &segs {
        node = step(node, sg).ok_or_else(|| problem("not a list in these terms".into()))?;
    }
    // The same decision for both kinds of list: which entry goes, or that
    // a copy of the last is appended.
    let decide = |len: usize| match remove {
        Some(i) if i < len && len > 1 => Ok(Some(i)),
        Some(_) => Err(problem(
            "that entry cannot be removed (a list keeps at least one)".into(),
        )),
        None if len == 0 => Err(problem("empty list".into())),
        None => Ok(None),
    };
    match node {
        Node::Item(Item::ArrayOfTables(a)) => match decide(a.len())? {
            Some(i) => {
                a.remove(i);
            }
            None => {
                let last = a.get(a.len() - 1).cloned().expect("not empty");
                a.push(last);
            }
        },
        Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
            match decide(a.len())? {
                Some(i) => {
                    a.remove(i);
                }
                None => {
                    let last = a.get(a.len() - 1).cloned().expect("not empty");
                    a.push_formatted(last);
                }
            }
        }
        _ => return Err(problem("not a list in these terms".into())),
    }
    draft(&doc.to_string())
}

/// Applies `edits` to `text` and validates the result as terms. Problems
/// are listed all together: type problems at their fields, then the
/// validator's, each at the key path it names.
pub fn apply(text: &str, edits: &[FieldEdit]) -> TermsCheck {
    let mut doc = match parse_doc(text) {
        Ok(d) => d,
        Err(p) => {
            return TermsCheck {
                toml: text.into(),
                problems: vec![p],
            }
        }
    };
    let mut problems = Vec::new();
    for e in edits {
        let Some(v) = leaf(&mut doc, &e.path) else {
            problems.push(FieldProblem {
                path: e.path.clone(),
                message: "no such field in these terms".into(),
            });
            continue;
        };
        match typed(v, &e.value) {
            Ok(mut new) => {
                // Keep the spacing and any trailing comment of the old value.
                *new.decor_mut() = v.decor().clone();
                *v = new;
            }
            Err(message) => problems.push(FieldProblem {
                path: e.path.clone(),
                message,
            }),
        }
    }
    let toml = doc.to_string();
    if problems.is_empty() {
        if let Err(e) = sla_engine::Terms::parse(&toml) {
            problems.extend(e.problems.into_iter().map(|p| FieldProblem {
                path: p.path,
                message: p.message,
            }));
        }
    }
    TermsCheck { toml, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: &str = include_str!("../../fixtures/cases/spec-s6-full-example/terms.toml");

    fn edit(path: &str, value: &str) -> FieldEdit {
        FieldEdit {
            path: path.into(),
            value: value.into(),
        }
    }

    #[test]
    fn fields_carry_the_validators_key_paths_and_readable_sections() {
        let f = fields(TERMS).unwrap();
        let tier = f
            .iter()
            .find(|x| x.path == "slas[0].credit.tiers[1].below")
            .unwrap();
        assert_eq!(tier.value, "99.0");
        assert_eq!(tier.section, "SLA compute-availability · credit · tiers 2");
        assert_eq!(tier.label, "below");
        let causes = f
            .iter()
            .find(|x| x.path == "slas[0].exclusions.causes")
            .unwrap();
        assert_eq!(
            (causes.kind.as_str(), causes.value.as_str()),
            ("list", "customer, force_majeure, third_party")
        );
        let window = f
            .iter()
            .find(|x| x.path == "credit.claim_window_days")
            .unwrap();
        assert_eq!(
            (window.kind.as_str(), window.value.as_str()),
            ("whole", "30")
        );
        assert!(f.iter().all(|x| x.path != "schema"));
    }

    #[test]
    fn an_edit_changes_only_its_value_and_keeps_layout() {
        let c = apply(TERMS, &[edit("slas[0].target", "99.99")]);
        assert_eq!(c.problems, vec![]);
        let changed: Vec<_> = TERMS
            .lines()
            .zip(c.toml.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            vec![(r#"target = "99.95""#, r#"target = "99.99""#)]
        );
        // A target below a tier's threshold is caught by the validator, at
        // the tier, not at the target that was edited.
        let c = apply(TERMS, &[edit("slas[0].target", "99.9")]);
        assert_eq!(
            c.problems,
            vec![FieldProblem {
                path: "slas[0].credit.tiers[0].below".into(),
                message: "99.95 is above the target 99.9".into()
            }]
        );
        assert_eq!(TERMS.lines().count(), c.toml.lines().count());
    }

    #[test]
    fn tiers_can_be_added_and_removed() {
        let d = draft(TERMS).unwrap();
        assert!(d.lists.contains(&("slas[0].credit.tiers".to_string(), 3)));
        assert!(d.lists.contains(&("slas".to_string(), 2)));
        // A fourth tier, a copy of the last, then given its own values.
        let d = edit_list(TERMS, "slas[0].credit.tiers", None).unwrap();
        assert!(d.lists.contains(&("slas[0].credit.tiers".to_string(), 4)));
        let c = apply(
            &d.toml,
            &[
                edit("slas[0].credit.tiers[3].below", "90.0"),
                edit("slas[0].credit.tiers[3].percent", "100"),
            ],
        );
        assert_eq!(c.problems, vec![]);
        let t = sla_engine::Terms::parse(&c.toml).unwrap();
        let sla_engine::terms::Schedule::Tiers(tiers) = &t.slas[0].credit.schedule else {
            panic!()
        };
        assert_eq!(tiers.len(), 4);
        // Removing the middle tier keeps the others and their order.
        let d = edit_list(TERMS, "slas[0].credit.tiers", Some(1)).unwrap();
        let t = sla_engine::Terms::parse(&d.toml).unwrap();
        let sla_engine::terms::Schedule::Tiers(tiers) = &t.slas[0].credit.schedule else {
            panic!()
        };
        let below: Vec<String> = tiers.iter().map(|x| x.below.to_string()).collect();
        assert_eq!(below, vec!["99.95", "95.0"]);
        assert_eq!(
            edit_list(TERMS, "credit.cap_percent", None)
                .unwrap_err()
                .message,
            "not a list in these terms"
        );
    }

    #[test]
    fn problems_land_on_the_field_that_caused_them() {
        let c = apply(
            TERMS,
            &[
                edit("credit.claim_window_days", "thirty"),
                edit("nothing.here", "1"),
            ],
        );
        assert_eq!(
            c.problems,
            vec![
                FieldProblem {
                    path: "credit.claim_window_days".into(),
                    message: "must be a whole number, not `thirty`".into()
                },
                FieldProblem {
                    path: "nothing.here".into(),
                    message: "no such field in these terms".into()
                },
            ]
        );
        let c = apply(TERMS, &[edit("slas[0].credit.tiers[0].percent", "ten")]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].path, "slas[0].credit.tiers[0].percent");
    }
}
