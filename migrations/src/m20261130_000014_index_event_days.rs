//! An index on the day of each referral event, so "the last day of the
//! data" (which a scenario run records) is read from the index, not by
//! scanning every event.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000014_index_event_days"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, vec![index("referral_event", &["occurred_on"])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_referral_event_occurred_on")
                    .table(Alias::new("referral_event"))
                    .to_owned(),
            )
            .await
    }
}
