//! Typed settings, each from a flag or an environment variable. The database
//! URL alone decides SQLite or PostgreSQL.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::domain::codes::Role;

/// The SQLite file a new user gets with no configuration at all.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://headroom.db?mode=rwc";

/// A database URL; its password never reaches a log or `Debug` output.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let userinfo = &self.0[scheme + 3..at];
                match userinfo.find(':') {
                    Some(colon) => format!(
                        "{}{}:***{}",
                        &self.0[..scheme + 3],
                        &userinfo[..colon],
                        &self.0[at..]
                    ),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.starts_with("sqlite:")
            || s.starts_with("postgres://")
            || s.starts_with("postgresql://")
        {
            Ok(Self(s.to_owned()))
        } else {
            Err("expected sqlite://FILE?mode=rwc or postgres://USER@HOST:PORT/DB".into())
        }
    }
}

/// A number per role: `300` for every role, or `300,researcher=60` for
/// every role but one, or `admin=600,provider=120` (roles not named get the
/// first plain number, else the default the setting states).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerRole {
    default: u32,
    roles: Vec<(Role, u32)>,
}

impl PerRole {
    pub const fn all(n: u32) -> Self {
        Self {
            default: n,
            roles: Vec::new(),
        }
    }

    pub fn get(&self, role: Role) -> u32 {
        self.roles
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(self.default, |(_, n)| *n)
    }

    fn parse_with_default(s: &str, default: u32) -> Result<Self, String> {
        let mut out = Self::all(default);
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let number = |n: &str| {
                n.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("'{n}' is not a whole number above 0"))
            };
            match part.split_once('=') {
                None => out.default = number(part)?,
                Some((role, n)) => {
                    let role = Role::parse(role.trim())
                        .ok_or_else(|| format!("'{role}' is not a role"))?;
                    out.roles.retain(|(r, _)| *r != role);
                    out.roles.push((role, number(n)?));
                }
            }
        }
        Ok(out)
    }
}

impl FromStr for PerRole {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_with_default(s, 1)
    }
}

impl fmt::Display for PerRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.default)?;
        for (role, n) in &self.roles {
            write!(f, ",{role}={n}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded) or `postgres://…`.
    #[arg(long = "database-url", env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub url: DatabaseUrl,

    /// Most connections held open at once.
    #[arg(long, env = "HEADROOM_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub max_connections: u32,

    /// Seconds to wait for a free connection before failing with UNAVAILABLE.
    #[arg(long, env = "HEADROOM_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 3)]
    pub acquire_timeout_secs: u64,

    /// Longest a single SQL statement may run (PostgreSQL `statement_timeout`).
    #[arg(long, env = "HEADROOM_STATEMENT_TIMEOUT_SECS", default_value = "10", value_parser = parse_secs)]
    pub statement_timeout: Duration,

    /// Statements slower than this many milliseconds are logged at warn,
    /// with their SQL (never the values bound to it); 0 logs none.
    #[arg(long, env = "HEADROOM_SLOW_STATEMENT_MS", default_value_t = 1000)]
    pub slow_statement_ms: u64,
}

impl DatabaseSettings {
    pub fn from_url(url: &str) -> Result<Self, String> {
        Ok(Self {
            url: url.parse()?,
            max_connections: 10,
            acquire_timeout_secs: 3,
            statement_timeout: Duration::from_secs(10),
            slow_statement_ms: 1000,
        })
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServerSettings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "HEADROOM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Longest a GraphQL request may run before it is stopped with TIMEOUT.
    #[arg(long, env = "HEADROOM_REQUEST_TIMEOUT_SECS", default_value = "30", value_parser = parse_secs)]
    pub request_timeout: Duration,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "HEADROOM_BODY_LIMIT_BYTES", default_value_t = 1 << 20)]
    pub body_limit_bytes: usize,

    /// Most operations in one batched request.
    #[arg(long, env = "HEADROOM_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Deepest query accepted.
    #[arg(long, env = "HEADROOM_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,

    /// Highest query complexity accepted: a list costs its bound (or
    /// estimate) × its child, an aggregate weeks × scope (see `graphql/cost.rs`).
    #[arg(long, env = "HEADROOM_MAX_COMPLEXITY", default_value_t = 20_000)]
    pub max_complexity: usize,

    /// Days after which an unconfirmed service status counts as stale.
    #[arg(long, env = "HEADROOM_STALE_AFTER_DAYS", default_value_t = crate::domain::status::DEFAULT_STALE_AFTER_DAYS)]
    pub stale_after_days: i64,

    /// Hourly rate, in pence, for valuing uncommissioned work when a query
    /// states none. Default: the National Living Wage (21 and over) from
    /// 1 April 2025, £12.21 (GOV.UK, "National Minimum Wage and National
    /// Living Wage rates").
    #[arg(
        long,
        env = "HEADROOM_DEFAULT_HOURLY_RATE_PENCE",
        default_value_t = 1221,
        value_parser = parse_hourly_rate
    )]
    pub default_hourly_rate_pence: i64,

    /// Most figures (cells × measures) one researcher question may answer
    /// with; past it TOO_MANY_CELLS, and nothing is returned.
    #[arg(long, env = "HEADROOM_MAX_ANALYTICS_FIGURES", default_value_t = 20_000)]
    pub max_analytics_figures: usize,

    /// Development mode: GraphQL field suggestions in error messages.
    #[arg(long, env = "HEADROOM_DEVELOPMENT", default_value_t = false)]
    pub development: bool,

    /// Seconds to let requests in flight finish on shutdown.
    #[arg(long, env = "HEADROOM_SHUTDOWN_GRACE_SECS", default_value = "10", value_parser = parse_secs)]
    pub shutdown_grace: Duration,

    /// Largest answer built for one operation, in bytes of JSON; past it
    /// the operation stops and is refused with RESPONSE_TOO_LARGE.
    #[arg(long, env = "HEADROOM_MAX_RESPONSE_BYTES", default_value_t = 4 << 20)]
    pub max_response_bytes: usize,

    /// Most database connections one request holds at once.
    #[arg(long, env = "HEADROOM_CONNECTIONS_PER_REQUEST", default_value_t = 2)]
    pub connections_per_request: usize,

    /// Requests a key may make per minute, by role (a token bucket that
    /// holds a tenth of a minute's worth, at least 5); past it RATE_LIMITED.
    #[arg(
        long,
        env = "HEADROOM_REQUESTS_PER_MINUTE",
        default_value = "600,researcher=120"
    )]
    pub requests_per_minute: PerRole,

    /// Requests a key may have in flight at once, by role; past it
    /// RATE_LIMITED.
    #[arg(
        long,
        env = "HEADROOM_CONCURRENT_REQUESTS_PER_KEY",
        default_value = "2"
    )]
    pub concurrent_requests_per_key: PerRole,

    /// Answer introspection (`__schema`, `__type`) for keyed callers. The
    /// standard introspection query runs with its own depth limit.
    #[arg(long, env = "HEADROOM_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Seconds between checks that an open WebSocket's key is still live.
    #[arg(long, env = "HEADROOM_WS_KEY_CHECK_SECS", default_value = "5", value_parser = parse_secs)]
    pub ws_key_check: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".parse().expect("a valid address"),
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 1 << 20,
            max_batch: 10,
            max_depth: 12,
            max_complexity: 20_000,
            max_analytics_figures: 20_000,
            stale_after_days: crate::domain::status::DEFAULT_STALE_AFTER_DAYS,
            default_hourly_rate_pence: 1221,
            development: false,
            shutdown_grace: Duration::from_secs(10),
            max_response_bytes: 4 << 20,
            connections_per_request: 2,
            requests_per_minute: "600,researcher=120".parse().expect("valid limits"),
            concurrent_requests_per_key: PerRole::all(2),
            introspection: true,
            ws_key_check: Duration::from_secs(5),
        }
    }
}

/// An hourly rate within the bounds a caller's rate must keep.
fn parse_hourly_rate(s: &str) -> Result<i64, String> {
    let pence: i64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    crate::domain::bounds::money(
        "HEADROOM_DEFAULT_HOURLY_RATE_PENCE",
        crate::domain::bounds::Money::HourlyRate,
        pence,
    )
    .map_err(|e| e.message)
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    s.parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| format!("'{s}' is not a whole number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_database_url_is_never_shown() {
        let url: DatabaseUrl = "postgres://app:s3cret@db:5432/headroom".parse().unwrap();
        assert_eq!(url.redacted(), "postgres://app:***@db:5432/headroom");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn a_limit_per_role_names_a_default_and_exceptions() {
        let limits: PerRole = "300, researcher=60".parse().unwrap();
        assert_eq!(limits.get(Role::Admin), 300);
        assert_eq!(limits.get(Role::Researcher), 60);
        assert_eq!(limits.to_string().parse::<PerRole>().unwrap(), limits);
        assert!("researcher=0".parse::<PerRole>().is_err());
        assert!("wizard=5".parse::<PerRole>().is_err());
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        assert!("mysql://localhost/x".parse::<DatabaseUrl>().is_err());
    }
}
