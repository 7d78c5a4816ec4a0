//! A tiny real HTTP receiver for webhook tests: records every request and answers with
//! the statuses it is told, one per request (the last one repeats).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Starts listening; answers `statuses[i]` to the i-th request.
    pub fn start(statuses: Vec<u16>) -> Receiver {
        Self::start_with(move |n| {
            let status = statuses
                .get(n - 1)
                .or(statuses.last())
                .copied()
                .unwrap_or(200);
            (status, String::new())
        })
    }

    /// Serves `body` (JSON) to every request.
    pub fn serve_json(body: String) -> Receiver {
        Self::start_with(move |_| (200, body.clone()))
    }

    /// Starts listening; `respond(n)` gives the status and body of the n-th request (from 1).
    pub fn start_with(respond: impl Fn(usize) -> (u16, String) + Send + 'static) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                let mut headers = Vec::new();
                let mut len = 0usize;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.trim_end().split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        headers.push((k.trim().to_owned(), v.trim().to_owned()));
                    }
                }
                let mut body = vec![0u8; len];
                let _ = reader.read_exact(&mut body);
                let n = {
                    let mut r = rec.lock().expect("lock");
                    r.push(Received {
                        path,
                        headers,
                        body,
                    });
                    r.len()
                };
                let (status, body) = respond(n);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Receiver { url, received }
    }

    pub fn count(&self) -> usize {
        self.received.lock().map(|r| r.len()).unwrap_or(0)
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Waits until `n` requests arrived (or `secs` passed).
    pub fn wait_for(&self, n: usize, secs: u64) -> bool {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while std::time::Instant::now() < end {
            if self.count() >= n {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.count() >= n
    }
}
