//! A minimal Lambda Runtime API (the endpoints a function's runtime client calls), enough to
//! hand a few invocations to a freshly started process and to note when it asks for each (the
//! first request ends its init, as Lambda's Init Duration counts it) and when each answer arrives.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub struct Answer {
    pub at: Instant,
    pub error: bool,
    pub body: String,
}

/// The events to hand out, in order, and which process generation may take them: a connection
/// of a process started before they were queued (an earlier, stopped one) never does. `asked`
/// notes when the current generation asked for each.
#[derive(Default)]
struct Slot {
    generation: u64,
    events: VecDeque<String>,
    asked: Vec<Instant>,
}

pub struct RuntimeApi {
    pub port: u16,
    payload: Arc<Mutex<Slot>>,
    answers: Receiver<Answer>,
}

impl RuntimeApi {
    pub fn start() -> anyhow::Result<RuntimeApi> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let payload: Arc<Mutex<Slot>> = Arc::new(Mutex::new(Slot::default()));
        let (tx, answers) = channel();
        let shared = payload.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (payload, tx) = (shared.clone(), tx.clone());
                let generation = shared.lock().map(|s| s.generation).unwrap_or(0);
                std::thread::spawn(move || serve(stream, generation, payload, tx));
            }
        });
        Ok(RuntimeApi { port, payload, answers })
    }

    /// The events the next process's `GET .../invocation/next` calls receive, one each. Call it
    /// before starting the process.
    pub fn queue(&self, events: &[&str]) {
        if let Ok(mut slot) = self.payload.lock() {
            slot.generation += 1;
            slot.events = events.iter().map(|e| e.to_string()).collect();
            slot.asked.clear();
        }
    }

    /// When the current process asked for each invocation so far.
    pub fn asked(&self) -> Vec<Instant> {
        self.payload.lock().map(|slot| slot.asked.clone()).unwrap_or_default()
    }

    /// Waits for the function's answer.
    pub fn answer(&self, timeout: std::time::Duration) -> anyhow::Result<Answer> {
        Ok(self.answers.recv_timeout(timeout)?)
    }
}

fn serve(stream: TcpStream, generation: u64, payload: Arc<Mutex<Slot>>, answers: Sender<Answer>) {
    // Answers go out at once, as Lambda's do: without this, Nagle's algorithm and the client's
    // delayed ACK hold a reused connection's answer for some 40 ms.
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("transfer-encoding") && value.to_ascii_lowercase().contains("chunked") {
                    chunked = true;
                }
            }
        }
        let body = if chunked {
            match read_chunked(&mut reader) {
                Some(body) => body,
                None => return,
            }
        } else {
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            body
        };
        let path = request_line.split_whitespace().nth(1).unwrap_or_default().to_string();
        if path.ends_with("/invocation/next") {
            if let Ok(mut slot) = payload.lock() {
                if slot.generation == generation {
                    slot.asked.push(Instant::now());
                }
            }
            // Hand out the next queued event; calls past the last wait until the process is stopped.
            let event = loop {
                let (taken, stale) = match payload.lock() {
                    Ok(mut slot) if slot.generation == generation => (slot.events.pop_front(), false),
                    Ok(slot) => (None, slot.generation > generation),
                    Err(_) => (None, true),
                };
                if stale {
                    return; // a stopped process's connection: nothing more for it
                }
                if let Some(event) = taken {
                    break event;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            };
            let deadline = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() + 60_000).unwrap_or(0);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: bench-1\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:bench\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\nContent-Length: {}\r\n\r\n",
                event.len()
            );
            if writer.write_all(format!("{head}{event}").as_bytes()).is_err() {
                return;
            }
        } else {
            let answer = Answer { at: Instant::now(), error: path.ends_with("/error"), body: String::from_utf8_lossy(&body).into_owned() };
            let _ = answers.send(answer);
            if writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n").is_err() {
                return;
            }
        }
    }
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).ok()?;
        let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}
