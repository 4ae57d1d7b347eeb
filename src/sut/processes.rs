//! Every process the harness starts for a SUT (adapters, credential commands) is found and
//! ended, also when the run is interrupted: each runs in its own process group, registered
//! here while it lives; and the harness makes itself a child subreaper, so what an adapter
//! forks and detaches (even with `setsid`, which escapes the group) is re-parented to the
//! harness and found by a sweep of its descendants, frozen before it is killed so that one
//! that keeps forking cannot outrun the sweep ([`end_everything`]).
//!
//! Limits: a process re-parented elsewhere before the harness became a subreaper, or one
//! started by another user, is out of reach; a chain that also leaves its process group at
//! every generation (setsid each time) is frozen only as far as the scans catch it, and after
//! 3 s whatever was caught is killed. cgroups (`cgroup.kill`) would close that gap where the
//! harness may create them; CI containers usually do not let it.

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

/// How long [`end_everything`] may spend freezing what keeps forking before it kills what it
/// has frozen so far.
const FREEZE_BOUND: std::time::Duration = std::time::Duration::from_secs(3);

/// A descendant of the harness as /proc shows it.
#[derive(Debug, Clone, Copy)]
struct Descendant {
    pid: i32,
    state: char,
    pgid: i32,
}

impl Descendant {
    fn zombie(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
    fn stopped(&self) -> bool {
        matches!(self.state, 'T' | 't')
    }
}

/// End every registered process group, then every remaining descendant of the harness, in a
/// way a process that keeps forking cannot outrun. One snapshot then SIGKILL misses a child
/// forked after the snapshot; and a chain whose generations live a millisecond is, at any
/// scan of /proc, mostly zombies (the harness, as subreaper, adopts each one): the live
/// generation is born after the scan passed. So freeze first: SIGSTOP every process group a
/// descendant (zombies included) belongs to — a forked child stays in its parent's group, and
/// a group signal reaches a child forked while it is sent; a group some other process is in is
/// never signalled — and every live descendant, until
/// a scan finds every live descendant stopped and no group it has not stopped; then SIGKILL
/// them all, and reap the adopted zombies.
pub fn end_everything() {
    let groups: Vec<i32> = GROUPS
        .lock()
        .map(|g| g.iter().copied().collect())
        .unwrap_or_default();
    for g in groups {
        kill_group(g);
    }
    let me = std::process::id() as i32;
    // SAFETY: getpgrp has no preconditions.
    let my_group = unsafe { libc::getpgrp() };
    let started = std::time::Instant::now();
    let mut stopped_groups = BTreeSet::new();
    loop {
        reap_adopted(me);
        let (all, foreign) = scan(me);
        let live: Vec<Descendant> = all.iter().filter(|d| !d.zombie()).copied().collect();
        let new_groups: Vec<i32> = all
            .iter()
            .map(|d| d.pgid)
            .filter(|g| {
                *g > 0 && *g != my_group && !foreign.contains(g) && !stopped_groups.contains(g)
            })
            .collect();
        let settled = new_groups.is_empty() && live.iter().all(Descendant::stopped);
        if settled || started.elapsed() > FREEZE_BOUND {
            for g in stopped_groups.iter().chain(&new_groups) {
                kill_group(*g);
            }
            for d in &live {
                // SAFETY: kill only sends a signal to a process that descends from us.
                unsafe {
                    libc::kill(d.pid, libc::SIGKILL);
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            reap_adopted(me);
            return;
        }
        for g in new_groups {
            // SAFETY: killpg only sends a signal to a group a descendant of ours is in.
            unsafe {
                libc::killpg(g, libc::SIGSTOP);
            }
            stopped_groups.insert(g);
        }
        for d in live.iter().filter(|d| !d.stopped()) {
            // SAFETY: as above.
            unsafe {
                libc::kill(d.pid, libc::SIGSTOP);
            }
        }
        // Let the stops land before the next scan reads the states.
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Reap the zombies the harness adopted as subreaper (orphans of what adapters started), so
/// they hold no process slot. Only non-leaders: every child the harness spawns itself leads
/// its own group and is waited for by whoever spawned it.
fn reap_adopted(me: i32) {
    for d in scan(me).0 {
        if d.zombie() && d.pid != d.pgid {
            // SAFETY: waitpid with WNOHANG on a zombie child of ours; it does not block.
            unsafe {
                libc::waitpid(d.pid, std::ptr::null_mut(), libc::WNOHANG);
            }
        }
    }
}

/// Every live descendant of `root`, from /proc.
pub fn descendants(root: i32) -> Vec<i32> {
    scan(root)
        .0
        .into_iter()
        .filter(|d| !d.zombie())
        .map(|d| d.pid)
        .collect()
}

/// Every descendant of `root` (zombies included) with its state and process group, and the
/// groups some other process is in (never signalled as a group), from /proc.
fn scan(root: i32) -> (Vec<Descendant>, BTreeSet<i32>) {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return (Vec::new(), BTreeSet::new());
    };
    let procs: Vec<(Descendant, i32)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after the last ')'.
            let after = &stat[stat.rfind(')')? + 2..];
            let mut f = after.split(' ');
            let state = f.next()?.chars().next()?;
            let ppid = f.next()?.parse().ok()?;
            let pgid = f.next()?.parse().ok()?;
            Some((Descendant { pid, state, pgid }, ppid))
        })
        .collect();
    let mut found: Vec<Descendant> = Vec::new();
    let mut parents = vec![root];
    while let Some(p) = parents.pop() {
        for (d, _) in procs.iter().filter(|(d, pp)| *pp == p && d.pid != root) {
            if !found.iter().any(|f| f.pid == d.pid) {
                found.push(*d);
                parents.push(d.pid);
            }
        }
    }
    found.sort_unstable_by_key(|d| d.pid);
    let foreign = procs
        .iter()
        .filter(|(d, _)| d.pid != root && !found.iter().any(|f| f.pid == d.pid))
        .map(|(d, _)| d.pgid)
        .collect();
    (found, foreign)
}
