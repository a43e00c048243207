//! `dossier watch REPORT`: builds, then rebuilds whenever the report, the
//! registry or a file it includes, the template, the style or any file the
//! document read changes. One Typst World lives across rounds, so only what
//! changed is compiled again; each round prints one line with the time. A bad
//! edit prints its diagnostics and the watch goes on, also when the project
//! folder is deleted and made again.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::build::{self, Round};
use super::{Error, Outcome};
use crate::args::BuildArgs;
use crate::render::Session;

/// How long to wait for more events after the first, so an editor's save
/// (often several writes and a rename) is one rebuild; a file written in
/// place and closed needs no wait.
const SETTLE: Duration = Duration::from_millis(40);

/// Runs until interrupted.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    if args.timings.is_some() {
        return Err(Error::msg(
            "`--timings` traces one build: use it with `dossier build`, not `watch`",
        ));
    }
    build::settled(args)?;
    let (sender, events) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    })
    .map_err(|e| Error::msg(format!("cannot watch files ({e})")))?;
    // Each folder watched, with the identity it had: a folder deleted and
    // made again is another folder, watched afresh.
    let mut watched: HashMap<PathBuf, Option<(u64, u64)>> = HashMap::new();
    let mut session = Session::watching();
    loop {
        let started = Instant::now();
        let began = std::time::SystemTime::now();
        let inputs = match build::round(args, &mut session) {
            Ok(round) => {
                status(&round, started)?;
                round.inputs
            }
            // What no edit can make right ends the watch.
            Err(error) if error.is_refusal() => return Err(error),
            Err(error) => {
                writeln!(std::io::stderr(), "[{}] error: {error}", now())?;
                vec![
                    args.report.clone(),
                    args.registry
                        .registry
                        .clone()
                        .unwrap_or_else(|| near(&args.report)),
                ]
            }
        };
        typst::comemo::evict(10);
        let wanted: HashSet<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
        // The folder of each input, or the nearest one above it that exists
        // (so that a deleted project folder is seen when it comes back).
        let dirs: HashSet<PathBuf> = wanted
            .iter()
            .filter_map(|p| p.ancestors().skip(1).find(|d| d.is_dir()))
            .map(Path::to_path_buf)
            .collect();
        watched.retain(|dir, _| {
            let keep = dirs.contains(dir) && dir.is_dir();
            if !keep {
                let _ = watcher.unwatch(dir);
            }
            keep
        });
        for dir in &dirs {
            let id = identity(dir);
            if watched.get(dir) == Some(&id) {
                continue;
            }
            let _ = watcher.unwatch(dir);
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| Error::msg(format!("cannot watch {} ({e})", dir.display())))?;
            watched.insert(dir.clone(), id);
        }
        // A file saved while the round ran, before its folder was watched
        // (the first round watches nothing yet), is built at once, not
        // after the next edit. A time still to come is a clock's, not an
        // edit's.
        let now = std::time::SystemTime::now();
        let saved_meanwhile = wanted.iter().any(|path| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified >= began && modified <= now)
        });
        if !saved_meanwhile {
            wait(&events, &wanted)?;
        }
    }
}

fn now() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// `[14:03:22] built report.pdf · 12 pages · 57 citations · 0.09 s`, or a
/// line saying nothing was written (the diagnostics are above it).
fn status(round: &Round, started: Instant) -> Result<(), Error> {
    let line = match round.status(started) {
        Some(line) => line,
        None => "not built: fix the errors above; watching for changes".into(),
    };
    writeln!(std::io::stderr(), "[{}] {line}", now())?;
    Ok(())
}

/// Where the registry would be for a report, when it cannot be found.
fn near(report: &Path) -> PathBuf {
    report
        .parent()
        .unwrap_or(Path::new(""))
        .join("sources.toml")
}

/// Which folder `dir` is, beyond its name: device and inode.
fn identity(dir: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).ok()?;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Blocks until a file in `wanted` is created, changed or removed.
fn wait(
    events: &Receiver<notify::Result<notify::Event>>,
    wanted: &HashSet<PathBuf>,
) -> Result<(), Error> {
    // An input, or a folder on the way to one (deleted or made again).
    let ours = |event: &notify::Event| {
        event.paths.iter().any(|p| {
            let p = absolute(p);
            wanted.contains(&p) || wanted.iter().any(|w| w.starts_with(&p))
        })
    };
    // A file written in place is whole when it is closed.
    let closed = |event: &notify::Result<notify::Event>| match event {
        Ok(event) => {
            matches!(
                event.kind,
                EventKind::Access(AccessKind::Close(AccessMode::Write))
            ) && ours(event)
        }
        Err(_) => false,
    };
    let changed = |event: &notify::Result<notify::Event>| match event {
        Ok(event) => !matches!(event.kind, EventKind::Access(_)) && ours(event),
        Err(_) => false,
    };
    loop {
        let event = events
            .recv()
            .map_err(|_| Error::msg("the file watcher stopped"))?;
        if closed(&event) {
            return Ok(());
        }
        if changed(&event) {
            break;
        }
    }
    // Let the rest of the save arrive (an editor may write a copy and rename
    // it), then rebuild once.
    loop {
        match events.recv_timeout(SETTLE) {
            Ok(event) if closed(&event) => return Ok(()),
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::msg("the file watcher stopped"));
            }
        }
    }
}
