//! Every process the harness starts for a SUT (adapters, credential commands) is found and
//! ended, also when the run is interrupted: each runs in its own process group, registered
//! here while it lives; and the harness makes itself a child subreaper, so what an adapter
//! forks and detaches (even with `setsid`, which escapes the group) is re-parented to the
//! harness and found by a sweep of its descendants.
//!
//! Limit: a process that double-forks *and* is re-parented elsewhere before the harness became
//! a subreaper, or one started by another user, is out of reach.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A started process group; removed from the registry when dropped.
pub struct Registered(i32);

/// Register the process group `pgid` (an adapter spawned with `process_group(0)`).
pub fn register(pgid: i32) -> Registered {
    if let Ok(mut g) = GROUPS.lock() {
        g.insert(pgid);
    }
    Registered(pgid)
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut g) = GROUPS.lock() {
            g.remove(&self.0);
        }
    }
}

/// SIGKILL process group `pgid`.
pub fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; the group was created for the child we started.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

/// Make the harness a child subreaper (Linux): orphans of what it starts become its children.
pub fn become_subreaper() {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer flag and affects only us.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// The run was interrupted (SIGTERM/SIGINT): steps stop, adapters are ended.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Mark the run interrupted and end every registered group and every descendant.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    end_everything();
}

/// End every registered process group, then every remaining descendant of the harness.
pub fn end_everything() {
    let groups: Vec<i32> = GROUPS
        .lock()
        .map(|g| g.iter().copied().collect())
        .unwrap_or_default();
    for g in groups {
        kill_group(g);
    }
    for pid in descendants(std::process::id() as i32) {
        // SAFETY: kill only sends a signal to a process that descends from us.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Every live descendant of `root`, from /proc.
pub fn descendants(root: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parents: Vec<(i32, i32)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
            let after = &stat[stat.rfind(')')? + 2..];
            let mut f = after.split(' ');
            let state = f.next()?;
            let ppid = f.next()?.parse().ok()?;
            (state != "Z").then_some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == p)
                .map(|(c, _)| *c)
                .filter(|c| *c != root),
        );
        i += 1;
    }
    found.retain(|p| *p != root);
    found.sort_unstable();
    found.dedup();
    found
}
