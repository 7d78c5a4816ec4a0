//! HTTP/1.1 written by hand on a TCP socket, for what a well-behaved client never sends: a
//! body cut short (the phone loses its network mid-upload), a body announced too large and
//! never sent, a chunked body that grows past the limit.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use super::Api;

fn connect(api: &Api) -> TcpStream {
    let addr = api
        .base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let s = TcpStream::connect(addr).expect("connect to the test server");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    s
}

fn head(api: &Api, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let host = api.base.trim_start_matches("http://");
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    if let Some(t) = &api.token {
        h.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h
}

/// Announces `Content-Length: announced`, sends only `sent`, and hands back the open
/// socket: dropping it cuts the upload short.
pub fn send_partial(
    api: &Api,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    announced: u64,
    sent: &[u8],
) -> TcpStream {
    assert!(
        (sent.len() as u64) < announced,
        "the body must be cut short"
    );
    let mut s = connect(api);
    let len = announced.to_string();
    let mut all = headers.to_vec();
    all.push(("Content-Length", &len));
    s.write_all(head(api, method, path, &all).as_bytes())
        .expect("head");
    s.write_all(sent).expect("part of the body");
    s.flush().expect("flush");
    s
}

/// Sends only the head, which announces a body (`Content-Length` among `headers`), and
/// reads the answer: the server must decide from the headers alone.
pub fn answer_to_head(
    api: &Api,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut s = connect(api);
    s.write_all(head(api, method, path, headers).as_bytes())
        .expect("head");
    read_answer(&mut s)
}

/// Sends `chunks` with `Transfer-Encoding: chunked`, one write each, and never the last
/// (empty) chunk: the server must answer from what it has. Returns the status and the JSON
/// body of the answer.
pub fn send_chunked_unfinished(
    api: &Api,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    chunks: &[&[u8]],
) -> (u16, Value) {
    let mut s = open_chunked(api, method, path, headers);
    for c in chunks {
        if s.write_all(&chunk_frame(c)).is_err() {
            // The server answered and closed already.
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    read_answer(&mut s)
}

/// Sends `chunks` with `Transfer-Encoding: chunked` (no `Content-Length`: the server cannot
/// know the size beforehand), then the last chunk, and reads the answer.
pub fn send_chunked(
    api: &Api,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    chunks: &[&[u8]],
) -> (u16, Value) {
    let mut s = open_chunked(api, method, path, headers);
    let body: Vec<u8> = chunks
        .iter()
        .chain([&[][..]].iter())
        .flat_map(|c| chunk_frame(c))
        .collect();
    s.write_all(&body).expect("chunked body");
    read_answer(&mut s)
}

/// A connection with the head of a `Transfer-Encoding: chunked` request sent.
fn open_chunked(api: &Api, method: &str, path: &str, headers: &[(&str, &str)]) -> TcpStream {
    let mut s = connect(api);
    let mut all = headers.to_vec();
    all.push(("Transfer-Encoding", "chunked"));
    s.write_all(head(api, method, path, &all).as_bytes())
        .expect("head");
    s
}

/// One chunk of a chunked body (the empty one ends the body).
fn chunk_frame(chunk: &[u8]) -> Vec<u8> {
    let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
    frame.extend_from_slice(chunk);
    frame.extend_from_slice(b"\r\n");
    frame
}

/// Reads one answer: the status line, the headers, a `Content-Length` body.
pub fn read_answer(s: &mut TcpStream) -> (u16, Value) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let len: usize = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}
