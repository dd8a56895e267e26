//! JSON exports: read within [`MAX_JSON_FILE_BYTES`], and walked with the
//! JSON pointer of every value at hand, so that each problem names its
//! place (`incidents.json:/incidents/3/resolved_at`).

use crate::error::ImportError;
use crate::grid::too_large;
use crate::limits::{thousands, MAX_JSON_FILE_BYTES};
use serde_json::Value;
use std::io::Read;

/// Parses a JSON file after checking its size. serde_json refuses nesting
/// deeper than 128 levels with an error (never a stack overflow).
pub(crate) fn load(path: &str) -> Result<Value, ImportError> {
    let io = |source| ImportError::Io {
        path: path.into(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_JSON_FILE_BYTES {
        return Err(too_large(
            path,
            "",
            format!(
                "{} bytes is larger than the {} MiB a JSON export may be",
                thousands(len),
                MAX_JSON_FILE_BYTES >> 20
            ),
            MAX_JSON_FILE_BYTES,
        ));
    }
    if len == 0 {
        return Err(ImportError::Empty { path: path.into() });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read at most one byte past the limit: a file that grew after its
    // size was checked is still refused.
    file.take(MAX_JSON_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_JSON_FILE_BYTES {
        return Err(too_large(
            path,
            "",
            format!(
                "larger than the {} MiB a JSON export may be",
                MAX_JSON_FILE_BYTES >> 20
            ),
            MAX_JSON_FILE_BYTES,
        ));
    }
    parse(path, &bytes)
}

/// Parses JSON bytes already in memory (`path` names them in messages).
pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Value, ImportError> {
    // A UTF-8 byte order mark is what some tools write before JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| ImportError::Json {
        path: path.into(),
        message: e.to_string(),
    })
}

/// A value with its JSON pointer (kept as text: exports are small, and
/// a node then outlives the node it was reached from).
#[derive(Clone)]
pub(crate) struct Node<'a> {
    pub(crate) v: &'a Value,
    ptr: String,
}

/// Escapes one reference token (RFC 6901: `~` as `~0`, `/` as `~1`).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl<'a> Node<'a> {
    pub(crate) fn root(v: &'a Value) -> Node<'a> {
        Node {
            v,
            ptr: String::new(),
        }
    }

    /// The pointer as text (`/incidents/3`; the root is empty).
    pub(crate) fn pointer(&self) -> String {
        self.ptr.clone()
    }

    /// The pointer of a member of this object, whether present or not.
    pub(crate) fn pointer_to(&self, key: &str) -> String {
        format!("{}/{}", self.ptr, escape(key))
    }

    /// A member of an object; `None` when absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<Node<'a>> {
        let v = self.v.as_object()?.get(key)?;
        (!v.is_null()).then(|| Node {
            v,
            ptr: self.pointer_to(key),
        })
    }

    /// The items of an array (none when this is not one).
    pub(crate) fn items(&self) -> Vec<Node<'a>> {
        match self.v.as_array() {
            Some(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| Node {
                    v,
                    ptr: format!("{}/{i}", self.ptr),
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// A member's text: strings as they are, numbers as written; `None`
    /// when absent, null, empty or of another type.
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        let v = self.v.as_object()?.get(key)?;
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    }
}

/// Whether `v` is an object holding every key of `keys`.
pub(crate) fn has_keys(v: &Value, keys: &[&str]) -> bool {
    v.as_object()
        .is_some_and(|o| keys.iter().all(|k| o.contains_key(*k)))
}

/// The first item of the array at `key` of `v` (or of `v` itself when
/// `key` is empty).
pub(crate) fn first_of<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let a = if key.is_empty() { v } else { v.get(key)? };
    a.as_array()?.first()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_members_and_items_with_escapes() {
        let v: Value = serde_json::json!({"a/b": [{"x~": 1}, {"x~": null}]});
        let root = Node::root(&v);
        let arr = root.get("a/b").expect("present");
        let items = arr.items();
        assert_eq!(items[1].pointer(), "/a~1b/1");
        assert_eq!(items[0].pointer_to("x~"), "/a~1b/0/x~0");
        assert_eq!(items[0].text("x~").as_deref(), Some("1"));
        assert!(items[1].get("x~").is_none());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let e = parse("deep.json", deep.as_bytes()).unwrap_err();
        assert!(
            e.to_string().starts_with("deep.json: not a JSON document"),
            "{e}"
        );
    }
}
