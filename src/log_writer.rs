//! Log lines written off the request path, every one of them, in order.
//!
//! Writing a line to a terminal, a pipe or a file is a system call, and
//! with one access-log line per request it was the most expensive thing a
//! request did (docs/performance.md). Here a request only hands its
//! formatted line to a channel; one thread writes the lines, in the order
//! they were handed over, through a buffer that it flushes as soon as no
//! further line is waiting, so a terminal still shows each request at once.
//!
//! Nothing is dropped: when the channel is full (the terminal cannot keep
//! up) the request waits for room, as it would for a direct write. When the
//! [`LogGuard`] is dropped (at the end of `main`), every line still queued is
//! written before it returns.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// Lines that may wait for the writer thread before a request waits too.
const QUEUE_LINES: usize = 16 * 1024;

/// How long the writer thread sleeps after a write before it looks for more
/// lines: what a line may wait under load, far below what a person sees.
const BATCH_PAUSE: Duration = Duration::from_millis(2);

/// How long [`LogGuard`]'s drop waits for the queued lines to be written.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// What the writer thread receives.
#[derive(Debug)]
enum Message {
    /// One whole formatted line.
    Line(Vec<u8>),
    /// Write everything received so far, flush, then answer.
    Drain(SyncSender<()>),
}

/// Hands formatted lines to the writer thread; give it to
/// `tracing_subscriber::fmt().with_writer(…)`.
#[derive(Clone, Debug)]
pub struct QueuedWriter {
    queue: SyncSender<Message>,
}

/// Dropping it (at the end of `main`) waits until every line handed over
/// before is written.
#[derive(Debug)]
pub struct LogGuard {
    queue: SyncSender<Message>,
}

/// Starts a writer thread for `out` (stderr in the app).
pub fn spawn<W: Write + Send + 'static>(out: W) -> io::Result<(QueuedWriter, LogGuard)> {
    let (queue, messages) = sync_channel(QUEUE_LINES);
    std::thread::Builder::new().name("log-writer".into()).spawn(move || write_lines(messages, out))?;
    Ok((QueuedWriter { queue: queue.clone() }, LogGuard { queue }))
}

/// The writer thread. Idle, it blocks until a line comes, and writes it at
/// once. Busy, it writes every line waiting, flushes, then pauses for
/// `BATCH_PAUSE` before it looks again: lines that arrive meanwhile wait
/// in the queue, and a request that hands one over finds the thread awake
/// or sleeping on a timer, never blocked on the queue, so it does not have
/// to wake it (a system call and a context switch per line, which is what
/// this module exists to avoid).
fn write_lines<W: Write>(messages: Receiver<Message>, out: W) {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    while let Ok(first) = messages.recv() {
        let mut message = first;
        loop {
            // Whoever reads our output may have gone (`| head`): carry on quietly.
            match message {
                Message::Line(line) => {
                    let _ = out.write_all(&line);
                }
                Message::Drain(done) => {
                    let _ = out.flush();
                    let _ = done.send(());
                }
            }
            message = match messages.try_recv() {
                Ok(next) => next,
                Err(TryRecvError::Empty) => {
                    let _ = out.flush();
                    std::thread::sleep(BATCH_PAUSE);
                    match messages.try_recv() {
                        Ok(next) => next,
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => return,
                    }
                }
                Err(TryRecvError::Disconnected) => {
                    let _ = out.flush();
                    return;
                }
            };
        }
    }
    let _ = out.flush();
}

impl LogGuard {
    /// Waits (at most `DRAIN_LIMIT`) until every line handed over so far
    /// is written and flushed.
    pub fn drain(&self) {
        let (done, answer) = sync_channel(1);
        if self.queue.send(Message::Drain(done)).is_ok() {
            let _ = answer.recv_timeout(DRAIN_LIMIT);
        }
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.drain();
    }
}

/// One event's line, handed over whole when tracing is done writing it.
#[derive(Debug)]
pub struct QueuedLine {
    line: Vec<u8>,
    queue: SyncSender<Message>,
}

impl Write for QueuedLine {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for QueuedLine {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            // Fails only once the writer thread is gone (the process ends).
            let _ = self.queue.send(Message::Line(std::mem::take(&mut self.line)));
        }
    }
}

impl<'a> MakeWriter<'a> for QueuedWriter {
    type Writer = QueuedLine;

    fn make_writer(&'a self) -> Self::Writer {
        QueuedLine { line: Vec::with_capacity(256), queue: self.queue.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex, PoisonError};

    /// A `Write` the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_in_order_before_drain_returns() {
        let sink = Sink::default();
        let (writer, guard) = spawn(sink.clone()).expect("a thread");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..5_000 {
                        let mut line = writer.make_writer();
                        let _ = writeln!(line, "{t} {i}");
                    }
                })
            })
            .collect();
        for thread in threads {
            let _ = thread.join();
        }
        guard.drain();
        let text = String::from_utf8(sink.0.lock().unwrap_or_else(PoisonError::into_inner).clone()).expect("utf-8");
        let mut last = [None::<u32>; 4];
        let mut count = 0;
        for line in text.lines() {
            let (t, i) = line.split_once(' ').expect("whole lines, never interleaved");
            let (t, i): (usize, u32) = (t.parse().expect("thread"), i.parse().expect("number"));
            assert!(last[t].is_none_or(|prev| prev + 1 == i), "thread {t}: {last:?} then {i}");
            last[t] = Some(i);
            count += 1;
        }
        assert_eq!(count, 20_000, "nothing dropped");
    }

    #[test]
    fn a_single_line_is_flushed_without_waiting_for_more() {
        let sink = Sink::default();
        let (writer, _guard) = spawn(sink.clone()).expect("a thread");
        let _ = writeln!(writer.make_writer(), "alone");
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while sink.0.lock().unwrap_or_else(PoisonError::into_inner).is_empty() {
            assert!(std::time::Instant::now() < deadline, "the line never reached the output");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(&sink.0.lock().unwrap_or_else(PoisonError::into_inner)[..], b"alone\n");
    }
}
