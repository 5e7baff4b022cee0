//! Column and constraint shorthands shared by the migration files. They only
//! shorten what each file spells out; they never read the current entities.

use sea_orm_migration::prelude::*;

pub fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

pub fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().not_null().take()
}

pub fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().take()
}

pub fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().not_null().take()
}

pub fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().null().take()
}

pub fn big(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .take()
}

pub fn big_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).big_integer().null().take()
}

pub fn double_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).double().null().take()
}

pub fn boolean(name: &str, default: bool) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .boolean()
        .not_null()
        .default(default)
        .take()
}

pub fn date(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).date().not_null().take()
}

pub fn date_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).date().null().take()
}

pub fn timestamp(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

pub fn timestamp_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .take()
}

/// A foreign key from `table.column` to `target.id`. Deletes are restricted:
/// nothing in Headroom is deleted through the API, and history must survive.
pub fn fk(table: &str, column: &str, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(Alias::new(table), Alias::new(column))
        .to(Alias::new(target), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// `column IN ('a', 'b', …)`, for coded values whose list is fixed by the domain.
pub fn one_of(column: &str, values: &[&str]) -> SimpleExpr {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Expr::cust(format!("{column} IN ({list})"))
}

pub fn check(sql: &str) -> SimpleExpr {
    Expr::cust(sql.to_owned())
}

pub fn index(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(Alias::new(table));
    for c in columns {
        stmt.col(Alias::new(*c));
    }
    stmt.take()
}

pub fn unique_index(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut stmt = index(table, columns);
    stmt.name(format!("ux_{table}_{}", columns.join("_")))
        .unique();
    stmt
}

pub fn table(name: &str) -> TableCreateStatement {
    Table::create().table(Alias::new(name)).take()
}

pub async fn drop(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for t in tables {
        manager
            .drop_table(Table::drop().table(Alias::new(*t)).to_owned())
            .await?;
    }
    Ok(())
}

pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for i in indexes {
        manager.create_index(i).await?;
    }
    Ok(())
}
