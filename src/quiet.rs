//! Running a library on untrusted bytes: a PDF or image reader that panics
//! on a file it cannot read is caught here, without printing the panic, and
//! the caller says what it could not read.

thread_local! {
    /// Whether a panic on this thread is caught and not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work`, catching a panic (a library that cannot read a file) without
/// printing it: the caller answers for what it could not read.
pub fn quietly<R>(work: impl FnOnce() -> R) -> std::thread::Result<R> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let before = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    QUIET.with(|q| q.set(before));
    result
}
