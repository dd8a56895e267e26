//! The backend boundary (issue 17): one connection type over SQLite and
//! PostgreSQL, with the few calls the store makes (execute, query, a write
//! transaction). The store's SQL is written once, in the dialect both
//! engines accept (`coalesce`, `ON CONFLICT`, `RETURNING`, `?N`
//! placeholders, which become `$N` for PostgreSQL); values cross the
//! boundary as [`Value`], so no rusqlite or postgres type leaks into the
//! modules above.

use crate::StoreError;
use postgres::types::{FromSql, IsNull, ToSql, Type};
use std::cell::RefCell;
use std::collections::HashMap;

/// A value of a column or a parameter. Money is `Text` (exact decimals),
/// instants and counts are `Int`; there is no float on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Which engine a library lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_value!(i64, i32, u32, u16, bool);

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for std::sync::Arc<str> {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl ToValue for crate::StatementStatus {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().into())
    }
}
impl ToValue for crate::ClaimState {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().into())
    }
}

/// `params![a, b]`: the parameters of one statement, as [`Value`]s.
#[macro_export]
#[doc(hidden)]
macro_rules! params {
    () => { &[] as &[$crate::db::Value] };
    ($($x:expr),+ $(,)?) => { &[$($crate::db::ToValue::to_value(&$x)),+] as &[$crate::db::Value] };
}

/// A column read back: what the store's structs are built from.
pub trait FromValue: Sized {
    fn from_value(v: Value) -> Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self, String> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromValue for std::sync::Arc<str> {
    fn from_value(v: Value) -> Result<Self, String> {
        String::from_value(v).map(Into::into)
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}
impl FromValue for crate::StatementStatus {
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        Self::parse(&s).ok_or_else(|| format!("`{s}` is not a statement status"))
    }
}
impl FromValue for crate::ClaimState {
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        Self::parse(&s).ok_or_else(|| format!("`{s}` is not a claim state"))
    }
}
impl FromValue for crate::Direction {
    fn from_value(v: Value) -> Result<Self, String> {
        let s = String::from_value(v)?;
        crate::Direction::parse(&s).ok_or_else(|| format!("`{s}` is not a direction"))
    }
}

/// One row of a result.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `i` as `T`; a wrong type names the column.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, StoreError> {
        let v = self.0.get(i).cloned().unwrap_or(Value::Null);
        T::from_value(v).map_err(|message| StoreError::Decode { column: i, message })
    }
}

/// A PostgreSQL connection and its prepared statements (the store runs the
/// same few statements many times: an import inserts row after row).
pub struct Pg {
    client: RefCell<postgres::Client>,
    cache: RefCell<HashMap<String, postgres::Statement>>,
}

/// An open library connection. `&self` everywhere, as rusqlite's is: the
/// PostgreSQL client needs `&mut`, so it sits in a `RefCell` (a library is
/// used from one thread at a time, as a SQLite connection is).
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Pg(Box<Pg>),
}

/// `?N` placeholders as PostgreSQL's `$N`, outside quoted text.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

impl Conn {
    pub fn pg(client: postgres::Client) -> Conn {
        Conn::Pg(Box::new(Pg {
            client: RefCell::new(client),
            cache: RefCell::new(HashMap::new()),
        }))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        }
    }

    fn pg_statement(pg: &Pg, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(st) = pg.cache.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = pg
            .client
            .borrow_mut()
            .prepare(&pg_placeholders(sql))
            .map_err(crate::error::pg)?;
        pg.cache.borrow_mut().insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// Runs one statement; returns the rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<usize, StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql).map_err(crate::sql)?;
                st.execute(rusqlite::params_from_iter(params.iter().map(sqlite_value)))
                    .map_err(crate::sql)
            }
            Conn::Pg(pg) => {
                let st = Self::pg_statement(pg, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                pg.client
                    .borrow_mut()
                    .execute(&st, &refs)
                    .map(|n| n as usize)
                    .map_err(crate::error::pg)
            }
        }
    }

    /// Each row of a query handed to `each` as it is read (issue 15: a
    /// month of a million outage rows is not held twice). On PostgreSQL the
    /// rows stream from the server as `each` takes them (`query_raw`), so
    /// `each` must not use this connection meanwhile (none does: they
    /// build values from the row alone).
    pub fn query_each(
        &self,
        sql: &str,
        params: &[Value],
        mut each: impl FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql).map_err(crate::sql)?;
                let n = st.column_count();
                let mut rows = st
                    .query(rusqlite::params_from_iter(params.iter().map(sqlite_value)))
                    .map_err(crate::sql)?;
                while let Some(r) = rows.next().map_err(crate::sql)? {
                    let mut row = Vec::with_capacity(n);
                    for i in 0..n {
                        row.push(from_sqlite(r.get_ref(i).map_err(crate::sql)?));
                    }
                    each(Row(row))?;
                }
                Ok(())
            }
            Conn::Pg(pg) => {
                use postgres::fallible_iterator::FallibleIterator;
                let st = Self::pg_statement(pg, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let mut client = pg.client.borrow_mut();
                let mut rows = client
                    .query_raw(&st, refs.iter().copied())
                    .map_err(crate::error::pg)?;
                while let Some(r) = rows.next().map_err(crate::error::pg)? {
                    let row = (0..r.len())
                        .map(|i| r.try_get::<_, Value>(i).map_err(crate::error::pg))
                        .collect::<Result<Vec<_>, _>>()?;
                    each(Row(row))?;
                }
                Ok(())
            }
        }
    }

    /// Every row of a query.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql).map_err(crate::sql)?;
                let n = st.column_count();
                let mut rows = st
                    .query(rusqlite::params_from_iter(params.iter().map(sqlite_value)))
                    .map_err(crate::sql)?;
                let mut out = Vec::new();
                while let Some(r) = rows.next().map_err(crate::sql)? {
                    let mut row = Vec::with_capacity(n);
                    for i in 0..n {
                        row.push(from_sqlite(r.get_ref(i).map_err(crate::sql)?));
                    }
                    out.push(Row(row));
                }
                Ok(out)
            }
            Conn::Pg(pg) => {
                let st = Self::pg_statement(pg, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let rows = pg
                    .client
                    .borrow_mut()
                    .query(&st, &refs)
                    .map_err(crate::error::pg)?;
                rows.iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| r.try_get::<_, Value>(i).map_err(crate::error::pg))
                            .collect::<Result<Vec<_>, _>>()
                            .map(Row)
                    })
                    .collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query that always returns one (`COUNT`, `EXISTS`).
    pub fn query_one(&self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Decode {
                column: 0,
                message: format!("no row returned by `{sql}`"),
            })
    }

    /// The `id` of the row an `INSERT ... RETURNING id` wrote.
    pub fn insert_id(&self, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
        self.query_one(sql, params)?.get(0)
    }

    /// Several statements without parameters (migrations, BEGIN, COMMIT).
    pub fn batch(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql).map_err(crate::sql),
            Conn::Pg(pg) => pg
                .client
                .borrow_mut()
                .batch_execute(sql)
                .map_err(crate::error::pg),
        }
    }
}

fn sqlite_value(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(i) => rusqlite::types::Value::Integer(*i),
        Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // The schema has no REAL column; should one appear, it is shown,
        // never computed with.
        ValueRef::Real(f) => Value::Text(f.to_string()),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl ToSql for Value {
    // PostgreSQL types each parameter from its context (`$1 = 0` is int4,
    // `$1 IS NULL OR period = $1` is text): a value is written as whatever
    // type the server chose, when it fits exactly.
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_string().to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            _ => Value::Text(String::from_sql(ty, raw)?),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT '?1', a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT '?1', a FROM t WHERE b = $1 AND c = $12"
        );
    }
}
