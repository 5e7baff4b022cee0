//! A small builder for raw SQL that runs unchanged on SQLite and PostgreSQL:
//! it numbers bind parameters `$1, $2, …` (sqlx binds these by number on
//! SQLite too). Used where sea-query would hide the SQL that matters, such as
//! window functions and aggregates.

use sea_orm::{DbBackend, Statement, Value};

#[derive(Default)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a bind parameter for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        let n = self.values.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// Adds a bind parameter without writing it, and returns its
    /// placeholder (`$n`) to write, as often as needed.
    pub fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Appends `(…)` with one bind parameter per value; `(NULL)` when empty,
    /// which matches nothing.
    pub fn bind_list<V: Into<Value> + Clone>(&mut self, values: &[V]) -> &mut Self {
        self.text.push('(');
        if values.is_empty() {
            self.text.push_str("NULL");
        }
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v.clone());
        }
        self.text.push(')');
        self
    }

    pub fn build(self, backend: DbBackend) -> Statement {
        Statement::from_sql_and_values(backend, self.text, self.values)
    }
}

/// The few expressions that differ between SQLite and PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct Dialect(pub DbBackend);

impl Dialect {
    /// Whole days from date `a` to date `b`, as a 64-bit integer.
    pub fn days(self, a: &str, b: &str) -> String {
        match self.0 {
            DbBackend::Postgres => format!("CAST(({b}) - ({a}) AS BIGINT)"),
            _ => format!("CAST(julianday({b}) - julianday({a}) AS INTEGER)"),
        }
    }

    /// Date `expr` plus `n` days.
    pub fn add_days(self, expr: &str, n: i64) -> String {
        match self.0 {
            DbBackend::Postgres => format!("(({expr}) + {n})"),
            _ => format!("date({expr}, '{n:+} days')"),
        }
    }

    /// The larger of non-null values.
    pub fn greatest(self, args: &[&str]) -> String {
        match self.0 {
            DbBackend::Postgres => format!("GREATEST({})", args.join(", ")),
            _ => format!("MAX({})", args.join(", ")),
        }
    }

    /// The smaller of non-null values.
    pub fn least(self, args: &[&str]) -> String {
        match self.0 {
            DbBackend::Postgres => format!("LEAST({})", args.join(", ")),
            _ => format!("MIN({})", args.join(", ")),
        }
    }

    /// Days of `[from, to)` (null `to`: open) inside `[w0, w1)`, never negative.
    pub fn overlap(self, from: &[&str], to: &[&str], w0: &str, w1: &str) -> String {
        let mut starts: Vec<&str> = from.to_vec();
        starts.push(w0);
        let open_ends: Vec<String> = to.iter().map(|t| format!("COALESCE({t}, {w1})")).collect();
        let mut ends: Vec<&str> = open_ends.iter().map(String::as_str).collect();
        ends.push(w1);
        let span = self.days(&self.greatest(&starts), &self.least(&ends));
        self.greatest(&["0", &span])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(1_i64).push(" AND b IN ").bind_list(&[2_i64, 3]);
        let stmt = sql.build(DbBackend::Postgres);
        assert_eq!(stmt.sql, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(stmt.values.unwrap().0.len(), 3);
    }

    #[test]
    fn an_empty_list_matches_nothing() {
        let mut sql = Sql::new("x IN ");
        sql.bind_list::<i64>(&[]);
        assert_eq!(sql.build(DbBackend::Sqlite).sql, "x IN (NULL)");
    }
}
