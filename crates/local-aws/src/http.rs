//! Plain HTTP/1.0 to the local servers' own endpoints (moto's /moto-api, the router's /_local).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{bail, Context, Result};

/// Sends one request to 127.0.0.1:`port` and returns the status and body.
pub fn request(port: u16, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String)> {
    request_with(port, method, path, "", body)
}

/// Invokes `function` asynchronously through the local Lambda endpoint (`InvocationType: Event`);
/// returns the status (202 when accepted).
pub fn invoke_event(port: u16, function: &str, payload: &str) -> Result<u16> {
    Ok(request_with(port, "POST", &invoke_path(function), "X-Amz-Invocation-Type: Event\r\n", Some(payload))?.0)
}

/// Lambda's Invoke path for `function`.
fn invoke_path(function: &str) -> String {
    format!("/2015-03-31/functions/{function}/invocations")
}

/// `request` with extra header lines (each ending in CRLF).
fn request_with(port: u16, method: &str, path: &str, headers: &str, body: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).with_context(|| format!("connecting to 127.0.0.1:{port}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    let head =
        format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n", body.len());
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else { bail!("malformed answer from 127.0.0.1:{port}{path}") };
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("no status")?;
    Ok((status, body.to_string()))
}

/// Sends JSON and parses the JSON answer; a non-2xx status is an error.
pub fn json(port: u16, method: &str, path: &str, body: Option<&serde_json::Value>) -> Result<serde_json::Value> {
    let text = body.map(|b| b.to_string());
    let (status, answer) = request(port, method, path, text.as_deref())?;
    if !(200..300).contains(&status) {
        bail!("{method} {path} answered {status}: {answer}");
    }
    if answer.trim().is_empty() {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_str(&answer).with_context(|| format!("{path} answered no JSON"))
}

/// Whether something listens on 127.0.0.1:`port`.
pub fn is_listening(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok()
}

/// `text` as a query string value (RFC 3986: everything but unreserved characters percent-encoded).
pub fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_escaped() {
        assert_eq!(super::query_escape("\"team-a\" x&y=z"), "%22team-a%22%20x%26y%3Dz");
    }
}
