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
