//! A small blocking HTTP client for the API (ureq), keeping the status of every answer.

use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    pub refresh: Option<String>,
    agent: ureq::Agent,
}

/// An answer: status, headers we look at, and the body (JSON when it is JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub bytes: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The problem code of an error answer.
    pub fn code(&self) -> &str {
        self.body.get("code").and_then(Value::as_str).unwrap_or("")
    }
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        self.body
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        self
    }
    pub fn str(&self, key: &str) -> String {
        self.body
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Api {
    pub fn new(base: &str) -> Api {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Api {
            base: base.trim_end_matches('/').to_owned(),
            token: None,
            refresh: None,
            agent,
        }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    pub fn anonymous(&self) -> Api {
        Api {
            token: None,
            refresh: None,
            ..self.clone()
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Any request; `body` bytes with `content_type`, extra headers.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&[u8], &str)>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some((_, ct)) = body {
            req = req.header("Content-Type", ct);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = match body {
            Some((b, _)) => self.agent.run(req.body(b.to_vec()).expect("request")),
            None => self.agent.run(req.body(()).expect("request")),
        };
        let mut res = match res {
            Ok(r) => r,
            Err(e) => {
                return Resp {
                    status: 0,
                    body: Value::String(e.to_string()),
                    bytes: Vec::new(),
                    headers: Vec::new(),
                };
            }
        };
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let bytes = res
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            bytes,
            headers,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, &[])
    }

    pub fn post(&self, path: &str, json: &Value) -> Resp {
        let b = serde_json::to_vec(json).expect("json");
        self.send("POST", path, Some((&b, "application/json")), &[])
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, &[])
    }

    /// Signs in with a password; the returned client carries the tokens.
    #[track_caller]
    pub fn login(&self, username: &str, password: &str) -> Api {
        let r = self
            .anonymous()
            .post(
                "/api/v1/auth/token",
                &serde_json::json!({"grant_type": "password", "username": username, "password": password}),
            )
            .ok();
        Api {
            token: r["access_token"].as_str().map(str::to_owned),
            refresh: r["refresh_token"].as_str().map(str::to_owned),
            ..self.clone()
        }
    }

    /// Uploads bytes of an inspection; returns the blob reference for an item.
    #[track_caller]
    pub fn upload(
        &self,
        inspection: &str,
        bytes: &[u8],
        media_type: &str,
        file_name: &str,
    ) -> Value {
        let sha = sha256_hex(bytes);
        self.send(
            "POST",
            &format!("/api/v1/inspections/{inspection}/blobs"),
            Some((bytes, media_type)),
            &[("X-Content-SHA256", &sha)],
        )
        .expect(201);
        serde_json::json!({"sha256": sha, "size": bytes.len(), "media_type": media_type, "file_name": file_name})
    }
}

pub mod raw;
