//! The timed signer: timestamps, `max_age`, decision order.

/// The system clock, in whole Unix seconds (0 if the clock is before 1970).
pub fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
