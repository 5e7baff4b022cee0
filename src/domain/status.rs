//! Service status as the provider reports it, and how stale that report is.

use chrono::{DateTime, Utc};

use super::codes::coded_enum;

coded_enum!(
    ServiceStatus {
        Open = "open",
        Limited = "limited",
        Full = "full",
        Paused = "paused",
        Closed = "closed",
    }
);

impl ServiceStatus {
    /// Paused and closed services have no capacity in force, whatever the
    /// latest capacity version says.
    pub fn offers_capacity(self) -> bool {
        !matches!(self, ServiceStatus::Paused | ServiceStatus::Closed)
    }
}

/// Staleness is shown, never hidden: whole days since the status was last
/// confirmed, and whether that passes the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staleness {
    pub days_since_confirmed: i64,
    pub stale: bool,
}

/// Days after which an unconfirmed status counts as stale, unless configured.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 30;

pub fn staleness(
    confirmed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    stale_after_days: i64,
) -> Staleness {
    let days = (now - confirmed_at).num_days().max(0);
    Staleness {
        days_since_confirmed: days,
        stale: days > stale_after_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_status_confirmed_today_is_fresh() {
        let now = Utc::now();
        assert_eq!(
            staleness(now, now, 30),
            Staleness {
                days_since_confirmed: 0,
                stale: false
            }
        );
    }

    #[test]
    fn a_status_unconfirmed_past_the_threshold_is_stale() {
        let now = Utc::now();
        assert!(!staleness(now - Duration::days(30), now, 30).stale);
        assert!(staleness(now - Duration::days(31), now, 30).stale);
    }

    #[test]
    fn paused_and_closed_services_offer_no_capacity() {
        assert!(ServiceStatus::Limited.offers_capacity());
        assert!(!ServiceStatus::Paused.offers_capacity());
        assert!(!ServiceStatus::Closed.offers_capacity());
    }
}
