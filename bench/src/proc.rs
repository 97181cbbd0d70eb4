//! What Linux's /proc says of the server's processes (and of the generator):
//! resident memory, and CPU time used.

use std::time::Duration;

use anyhow::Context;

/// Resident memory of processes together, in KiB.
pub fn rss_kib(pids: &[u32]) -> anyhow::Result<u64> {
    let mut total = 0;
    for pid in pids {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("VmRSS")?;
        total += line.split_whitespace().nth(1).context("VmRSS value")?.parse::<u64>()?;
    }
    Ok(total)
}

/// Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux
/// architecture Regard runs on; `getconf CLK_TCK`).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time processes have used together, user and system, all their threads.
pub fn cpu_time(pids: &[u32]) -> anyhow::Result<Duration> {
    let mut ticks = 0;
    for pid in pids {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // The command's name (2nd field) is in parentheses and may hold spaces:
        // count from after it, where the 3rd field (state) is the first.
        let fields: Vec<&str> = stat.rsplit_once(')').context("/proc stat")?.1.split_whitespace().collect();
        // utime and stime are the 14th and 15th fields.
        for field in [11, 12] {
            ticks += fields.get(field).context("/proc stat times")?.parse::<u64>()?;
        }
    }
    Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}
