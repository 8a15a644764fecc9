//! The one way to retry an optimistic write: when someone else changed the data between our read
//! and our conditional write (or DynamoDB left part of a batch unprocessed), wait a little longer
//! each time, with jitter so racing writers spread out, and try again a bounded number of times.
//! Running out is 503 `unavailable` with `Retry-After`: the request did nothing and may be repeated.

use std::time::Duration;

use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct Backoff {
    attempts: u32,
    base: Duration,
    made: u32,
}

impl Backoff {
    /// `attempts` in all; the n-th wait is about `base × 2ⁿ` (at most `base × 32`), plus up to half
    /// of that again at random.
    pub const fn new(attempts: u32, base: Duration) -> Self {
        Self { attempts, base, made: 1 }
    }

    /// Waits before the next attempt, or fails with 503 when every attempt has been made.
    pub async fn pause(&mut self) -> Result<(), ApiError> {
        let delay = self.next_delay().ok_or(ApiError::Unavailable { retry_after_secs: 1 })?;
        tokio::time::sleep(delay).await;
        Ok(())
    }

    fn next_delay(&mut self) -> Option<Duration> {
        if self.made >= self.attempts {
            return None;
        }
        let step = self.base * (1 << self.made.min(5));
        self.made += 1;
        let spread = step.as_micros() as u64 / 2 + 1;
        Some(step + Duration::from_micros(jitter() % spread))
    }
}

fn jitter() -> u64 {
    ulid::Ulid::new().random() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_longer_each_time_and_stops_after_the_last_attempt() {
        let mut backoff = Backoff::new(4, Duration::from_millis(10));
        let delays: Vec<Duration> = std::iter::from_fn(|| backoff.next_delay()).collect();
        assert_eq!(delays.len(), 3, "three waits between four attempts");
        for (delay, step) in delays.iter().zip([20, 40, 80]) {
            let step = Duration::from_millis(step);
            assert!(*delay >= step && *delay <= step + step / 2 + Duration::from_micros(1), "{delay:?}");
        }
    }

    #[tokio::test]
    async fn running_out_is_unavailable() {
        let mut backoff = Backoff::new(1, Duration::from_millis(1));
        assert!(matches!(backoff.pause().await, Err(ApiError::Unavailable { retry_after_secs: 1 })));
    }
}
