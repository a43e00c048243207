//! Bounds on compiling a document: Typst runs whatever a report or template
//! asks for (`range(1000000000)`, a string doubled forty times, recursion
//! that fans out), so a build watches the time and memory it takes and, past
//! either limit, reports a located error and ends the process. Nothing is
//! half-written: the PDF is written, atomically, only after compiling.
//!
//! Memory is counted by [`Counting`], the binary's global allocator; without
//! it (in unit tests) only the time is watched.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bytes allocated and not yet freed.
static ALLOCATED: AtomicIsize = AtomicIsize::new(0);
/// The memory limit while a [`Watch`] is armed, else `usize::MAX`.
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
/// Set once a limit is passed, so only one thread reports it.
static TRIPPED: AtomicBool = AtomicBool::new(false);
/// What to do when a limit is passed: the armed watch's report.
static ON_EXCEEDED: OnceLock<Mutex<Option<Report>>> = OnceLock::new();

type Report = Box<dyn Fn(Exceeded) + Send>;

/// The system allocator, counting what is allocated.
pub struct Counting;

// SAFETY: every call is passed on to `System` unchanged; the counter is
// only read.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let ptr = unsafe { System.alloc(layout) };
        grew(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        grew(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrank(layout.size());
        }
        grew(new, new_size);
        new
    }
}

/// Counts an allocation of `size` bytes at `ptr` (null when it failed); past
/// the armed limit, or when the system has no memory left for it, reports
/// instead of returning.
fn grew(ptr: *mut u8, size: usize) {
    let limit = LIMIT.load(Ordering::Relaxed);
    if ptr.is_null() {
        if limit != usize::MAX {
            exceeded(Exceeded::Memory);
        }
        return;
    }
    if let Some(now) = counted(size as isize)
        && now > limit
    {
        exceeded(Exceeded::Memory);
    }
}

/// Counts `size` bytes freed.
fn shrank(size: usize) {
    counted(-(size as isize));
}

/// How far each thread's count may run ahead of [`ALLOCATED`]: threads that
/// allocate side by side would otherwise take turns at one counter for
/// every allocation.
const SLACK: isize = 256 * 1024;

std::thread_local! {
    /// What this thread allocated (or freed, below zero) since it last
    /// added to [`ALLOCATED`].
    static UNCOUNTED: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

/// Adds `delta` bytes to this thread's count, and the count to
/// [`ALLOCATED`] once it is past the slack either way: the total then, or
/// None while it stays in the thread. A thread that is ending adds at once.
fn counted(delta: isize) -> Option<usize> {
    let flushed = UNCOUNTED
        .try_with(|uncounted| {
            let now = uncounted.get() + delta;
            if now.abs() < SLACK {
                uncounted.set(now);
                None
            } else {
                uncounted.set(0);
                Some(now)
            }
        })
        .unwrap_or(Some(delta))?;
    // Below zero for a while when a thread frees what another allocated,
    // or what it allocated itself and has not added yet.
    let total = ALLOCATED.fetch_add(flushed, Ordering::Relaxed) + flushed;
    Some(total.max(0) as usize)
}

/// The bytes allocated and not yet freed, as [`Counting`] counts them (0
/// when it is not the global allocator).
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed).max(0) as usize
}

/// Which limit was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// Compiling took longer than [`Limits::time`].
    Time,
    /// The process held more than [`Limits::memory`] bytes.
    Memory,
}

/// How long compiling may take and how much memory the process may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long compiling may take.
    pub time: Duration,
    /// How many bytes the process may hold while compiling.
    pub memory: usize,
}

/// Reports once and ends the process; every later caller waits for the end.
fn exceeded(which: Exceeded) {
    if TRIPPED.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    // Reporting may allocate: lift the limit first.
    LIMIT.store(usize::MAX, Ordering::SeqCst);
    let report = ON_EXCEEDED
        .get()
        .and_then(|slot| slot.lock().ok().and_then(|mut r| r.take()));
    if let Some(report) = report {
        report(which);
    }
    std::process::exit(1);
}

/// Watches the limits while it lives.
pub struct Watch {
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    /// Arms the limits; `report` is called, once, with the limit passed,
    /// just before the process ends.
    pub fn start(limits: Limits, report: impl Fn(Exceeded) + Send + 'static) -> Self {
        let slot = ON_EXCEEDED.get_or_init(|| Mutex::new(None));
        if let Ok(mut slot) = slot.lock() {
            *slot = Some(Box::new(report));
        }
        LIMIT.store(limits.memory, Ordering::SeqCst);
        if allocated() > limits.memory {
            exceeded(Exceeded::Memory);
        }
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = done.clone();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("dossier-budget".into())
            .spawn(move || {
                let (lock, signal) = &*flag;
                let Ok(mut finished) = lock.lock() else {
                    return;
                };
                while !*finished {
                    let left = limits.time.saturating_sub(started.elapsed());
                    if left.is_zero() {
                        drop(finished);
                        exceeded(Exceeded::Time);
                        return;
                    }
                    finished = match signal.wait_timeout(finished, left) {
                        Ok((guard, _)) => guard,
                        Err(_) => return,
                    };
                }
            })
            .ok();
        Self { done, thread }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        LIMIT.store(usize::MAX, Ordering::SeqCst);
        if let Some(slot) = ON_EXCEEDED.get()
            && let Ok(mut slot) = slot.lock()
        {
            *slot = None;
        }
        let (lock, signal) = &*self.done;
        if let Ok(mut finished) = lock.lock() {
            *finished = true;
            signal.notify_all();
        }
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freeing_what_is_not_yet_added_never_wraps_the_total() {
        // Run on a thread of its own, so the test's own allocations (not
        // counted: this allocator is not the test binary's) stay apart.
        std::thread::spawn(|| {
            counted(SLACK / 2);
            let total = counted(-4 * SLACK);
            assert!(total.is_some_and(|t| t < usize::MAX / 2), "{total:?}");
            assert!(allocated() < usize::MAX / 2);
            counted(4 * SLACK);
        })
        .join()
        .unwrap();
    }
}
