//! How many episodes the referral of each flow row has. A referral with one
//! episode is counted once wherever it is answered, so the measures need to
//! de-duplicate only the referrals that moved between services.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000010_add_referral_flow_episodes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("referral_flow"))
                    .add_column(
                        ColumnDef::new(Alias::new("episodes"))
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE referral_flow SET episodes = (
                     SELECT COUNT(*) FROM referral_flow r WHERE r.referral_id = referral_flow.referral_id
                 )",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("referral_flow"))
                    .drop_column(Alias::new("episodes"))
                    .take(),
            )
            .await
    }
}
