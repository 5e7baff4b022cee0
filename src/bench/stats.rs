//! Latency figures and the process's peak memory.

use std::fmt;
use std::time::Duration;

/// p50, p95 and max of a run, in milliseconds (nearest rank).
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

impl Stats {
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let at = |p: f64| {
            if samples.is_empty() {
                return 0.0;
            }
            let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[rank - 1].as_secs_f64() * 1000.0
        };
        Self {
            p50_ms: at(0.5),
            p95_ms: at(0.95),
            max_ms: samples.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        }
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.1} / {:.1} / {:.1}",
            self.p50_ms, self.p95_ms, self.max_ms
        )
    }
}

/// Resident memory of this process now (Linux `VmRSS`), in megabytes.
pub fn rss_mb() -> Option<f64> {
    status_mb("VmRSS:")
}

/// Peak resident memory of this process (Linux `VmHWM`), in megabytes.
pub fn peak_rss_mb() -> Option<f64> {
    status_mb("VmHWM:")
}

fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Stats::of((1..=20).map(Duration::from_millis).collect());
        assert_eq!(s.p50_ms, 10.0);
        assert_eq!(s.p95_ms, 19.0);
        assert_eq!(s.max_ms, 20.0);
    }
}
