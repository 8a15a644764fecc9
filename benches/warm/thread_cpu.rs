//! The CPU time of the calling thread: what the handler's own work costs, whatever the other
//! thread (the loopback server answering for DynamoDB) and the other processes on the machine are doing.

use std::time::Duration;

/// CPU time this thread has used so far (`CLOCK_THREAD_CPUTIME_ID`).
pub fn used() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill; the clock exists on every Linux.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread CPU clock is readable");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}
