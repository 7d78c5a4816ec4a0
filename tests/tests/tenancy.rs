#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Who reaches what, over every operation of the OpenAPI document (read from the running
//! server, so a new endpoint is covered as soon as it exists, and fails here until it has
//! a case): no token, an expired token and forged tokens answer 401; the other tenant's
//! users get 404 for everything of tenant `a` (the same answer as for an id that does not
//! exist); a role without the right on something it sees gets 403 `forbidden.role`. Every
//! wrong answer of a run is collected in one table. Then the sign-in flows: password grant,
//! refresh-token rotation, revocation, a disabled user.

use base64::Engine;
use hecha_core::seal::device::DeviceKey;
use hecha_core::seal::key::{BundleSigner, Ed25519Key};
use hecha_server::auth::{AUDIENCE, Claims, ISSUER};
use hecha_tests::client::sha256_hex;
use hecha_tests::flow::{
    EXAMPLE_USCC, OTHER_USCC, PASSWORD, World, create_inspection, example_inspection, sign_off,
    user, world,
};
use hecha_tests::{Api, Backend, Resp, TestServer, both_backends};
use serde_json::{Value, json};

// ---- Who calls ------------------------------------------------------------------------

/// The callers: the admin, tenant `a`'s users (whose things are probed) and tenant `b`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Inspector,
    Auditor,
    Staff,
    OtherInspector,
    OtherAuditor,
    OtherStaff,
}

const EVERYONE: [Who; 7] = [
    Who::Admin,
    Who::Inspector,
    Who::Auditor,
    Who::Staff,
    Who::OtherInspector,
    Who::OtherAuditor,
    Who::OtherStaff,
];

impl Who {
    fn other_tenant(self) -> bool {
        matches!(
            self,
            Who::OtherInspector | Who::OtherAuditor | Who::OtherStaff
        )
    }
}

/// Tenant `a`'s inspections the matrix probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Insp {
    /// The company's rehearsal, open.
    Rehearsal,
    /// An official inspection, open (company staff do not see it yet).
    Official,
    /// An official inspection, sealed (company staff see it now).
    Sealed,
}

const INSPECTIONS: [Insp; 3] = [Insp::Rehearsal, Insp::Official, Insp::Sealed];

fn sees(who: Who, t: Insp) -> bool {
    match who {
        Who::Admin => true,
        Who::Inspector | Who::Auditor => t != Insp::Rehearsal,
        Who::Staff => t != Insp::Official,
        _ => false,
    }
}

/// Who adds evidence to, uploads to and seals the inspection.
fn writer_of(t: Insp) -> Who {
    match t {
        Insp::Rehearsal => Who::Staff,
        _ => Who::Inspector,
    }
}

/// A caller who reads the inspection.
fn reader_of(t: Insp) -> Who {
    match t {
        Insp::Official => Who::Auditor,
        _ => Who::Staff,
    }
}

// ---- What an operation needs ----------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Access {
    /// Answers about the caller only (who am I, lists cut to the caller's reach).
    Mine,
    /// Creates something of the caller's own organization.
    Own,
    AdminOnly,
    Read(Insp),
    Write(Insp),
    /// A tus upload: its uploader's alone.
    Upload(Insp),
    /// Auditors, inspectors and admins review what they see.
    Review(Insp),
    /// Opening an inspection of tenant `a`'s company.
    Create {
        official: bool,
    },
    Company,
    Authority,
    /// The inspector's enrolled device: its owner's (and the admin's).
    Device,
    /// The authority's webhook: its organization's.
    Hook,
}

type Want = (u16, &'static str);
const NOT_FOUND: Want = (404, "not_found");
const FORBIDDEN: Want = (403, "forbidden.role");

/// The refusal `who` must get, or `None` where `who` has the right (exercised only by the
/// case's control).
fn refusal(who: Who, access: Access) -> Option<Want> {
    let deny = |visible: bool, allowed: bool| {
        if !visible {
            Some(NOT_FOUND)
        } else if !allowed {
            Some(FORBIDDEN)
        } else {
            None
        }
    };
    let own_tenant = !who.other_tenant();
    match access {
        Access::Mine | Access::Own => None,
        Access::AdminOnly => deny(true, who == Who::Admin),
        Access::Read(t) => deny(sees(who, t), true),
        Access::Write(t) => deny(sees(who, t), who == writer_of(t)),
        Access::Upload(t) => deny(sees(who, t) && who == writer_of(t), true),
        Access::Review(t) => deny(sees(who, t), who != Who::Staff),
        Access::Create { official } => deny(
            own_tenant,
            who == if official { Who::Inspector } else { Who::Staff },
        ),
        Access::Company => deny(own_tenant, true),
        Access::Authority => deny(own_tenant && who != Who::Staff, true),
        Access::Device => deny(matches!(who, Who::Admin | Who::Inspector), true),
        Access::Hook => deny(matches!(who, Who::Inspector | Who::Auditor), true),
    }
}

// ---- The world probed -----------------------------------------------------------------

/// One of tenant `a`'s inspections with a seat tag, an item referring to a blob, and an
/// unfinished tus upload of its writer.
struct Target {
    id: String,
    seat: String,
    blob: String,
    upload: String,
}

impl Target {
    fn path(&self, rest: &str) -> String {
        format!("/api/v1/inspections/{}{rest}", self.id)
    }
}

struct Fixture {
    w: World,
    auditor_id: String,
    /// A company user the admin disables.
    victim_id: String,
    rehearsal: Target,
    official: Target,
    sealed: Target,
    /// The inspector's and the staff's enrolled devices.
    device: String,
    device_jwk: Value,
    staff_device: String,
    hook: String,
    delivery: String,
    certificate: Vec<u8>,
}

const UPLOAD_LENGTH: usize = 16;

fn enroll(api: &Api, jwk: &Value) -> String {
    api.post(
        "/api/v1/devices",
        &json!({"name": "phone", "public_jwk": jwk}),
    )
    .expect(201)
    .str("id")
}

fn new_device_jwk() -> Value {
    serde_json::to_value(DeviceKey::generate().unwrap().public_jwk()).unwrap()
}

fn prepare_target(api: &Api, id: String, name: &str) -> Target {
    let t = Target {
        seat: format!("{name}-01"),
        blob: String::new(),
        upload: String::new(),
        id,
    };
    api.post(&t.path("/seat-tags"), &json!({"seat_ids": [t.seat]}))
        .ok();
    let blob = api.upload(
        &t.id,
        format!("bytes of {name} {}", t.id).as_bytes(),
        "text/plain",
        "note.txt",
    );
    api.post(
        &t.path("/evidence"),
        &json!({"item": {"id": "note-1", "kind": "note", "text": "on site", "rule_ids": [], "blob": blob}}),
    )
    .expect(201);
    let created = api
        .send(
            "POST",
            &t.path("/tus"),
            None,
            &[
                ("Tus-Resumable", "1.0.0"),
                ("Upload-Length", &UPLOAD_LENGTH.to_string()),
            ],
        )
        .expect(201);
    let upload = created
        .header("location")
        .and_then(|l| l.rsplit('/').next())
        .unwrap()
        .to_owned();
    Target {
        blob: blob["sha256"].as_str().unwrap().to_owned(),
        upload,
        ..t
    }
}

impl Fixture {
    fn build(server: &TestServer) -> Fixture {
        let w = world(server);
        let a = &w.a;
        let auditor_id = a.auditor.get("/api/v1/me").ok()["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, victim_id) = user(&w.admin, &a.company, "company_staff");
        let device_jwk = new_device_jwk();
        let device = enroll(&a.inspector, &device_jwk);
        let staff_device = enroll(&a.staff, &new_device_jwk());
        // Nothing listens there: deliveries stay in the log, failing.
        let hook = a
            .auditor
            .post(
                "/api/v1/webhooks",
                &json!({"url": "http://127.0.0.1:9/hook"}),
            )
            .expect(201)
            .str("id");
        let rehearsal = prepare_target(
            &a.staff,
            create_inspection(&a.staff, &a.company, "rehearsal"),
            "R",
        );
        let official = prepare_target(
            &a.inspector,
            create_inspection(&a.inspector, &a.company, "official"),
            "O",
        );
        let sealed = prepare_target(
            &a.inspector,
            create_inspection(&a.inspector, &a.company, "official"),
            "S",
        );
        sign_off(&a.inspector, &sealed.id);
        a.inspector.post(&sealed.path("/seal"), &json!({})).ok();
        let deliveries = a
            .auditor
            .get(&format!("/api/v1/webhooks/{hook}/deliveries"))
            .ok();
        let delivery = deliveries[0]["id"].as_str().expect("a delivery").to_owned();
        let certificate =
            std::fs::read(hecha_tests::flow::example_dir().join("certificates/si-chen.jpg"))
                .unwrap();
        Fixture {
            w,
            auditor_id,
            victim_id,
            rehearsal,
            official,
            sealed,
            device,
            device_jwk,
            staff_device,
            hook,
            delivery,
            certificate,
        }
    }

    fn target(&self, t: Insp) -> &Target {
        match t {
            Insp::Rehearsal => &self.rehearsal,
            Insp::Official => &self.official,
            Insp::Sealed => &self.sealed,
        }
    }

    fn api(&self, who: Who) -> &Api {
        let (a, b) = (&self.w.a, &self.w.b);
        match who {
            Who::Admin => &self.w.admin,
            Who::Inspector => &a.inspector,
            Who::Auditor => &a.auditor,
            Who::Staff => &a.staff,
            Who::OtherInspector => &b.inspector,
            Who::OtherAuditor => &b.auditor,
            Who::OtherStaff => &b.staff,
        }
    }

    /// Ids `who` must never find in an answer.
    fn hidden(&self, who: Who) -> Vec<&str> {
        let a = &self.w.a;
        match who {
            Who::Admin => vec![],
            Who::Inspector | Who::Auditor => {
                vec![self.rehearsal.id.as_str(), self.staff_device.as_str()]
            }
            Who::Staff => vec![
                self.official.id.as_str(),
                self.device.as_str(),
                self.hook.as_str(),
            ],
            _ => {
                let mut ids: Vec<&str> = [
                    &a.authority,
                    &a.company,
                    &a.inspector_id,
                    &self.auditor_id,
                    &a.staff_id,
                    &self.victim_id,
                    &self.device,
                    &self.staff_device,
                    &self.hook,
                    &self.delivery,
                ]
                .into_iter()
                .map(String::as_str)
                .collect();
                for t in INSPECTIONS {
                    let t = self.target(t);
                    ids.extend([t.id.as_str(), t.blob.as_str(), t.upload.as_str()]);
                }
                ids
            }
        }
    }
}

// ---- One call of one operation ---------------------------------------------------------

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Json(Value),
    Bytes(Vec<u8>, &'static str),
}

struct Case {
    method: &'static str,
    path: String,
    body: Body,
    headers: Vec<(&'static str, String)>,
    access: Access,
    /// The rightful caller and its status: proves the path and the body are real.
    control: Option<(Who, u16)>,
    /// A control that changes what other controls see: run after the others.
    destructive: bool,
    /// The id the path names; with an unknown id instead the other tenant gets the same.
    subject: Option<String>,
}

impl Case {
    fn new(method: &'static str, path: impl Into<String>, access: Access) -> Case {
        Case {
            method,
            path: path.into(),
            body: Body::Empty,
            headers: Vec::new(),
            access,
            control: None,
            destructive: false,
            subject: None,
        }
    }
    fn json(self, v: Value) -> Case {
        Case {
            body: Body::Json(v),
            ..self
        }
    }
    fn bytes(self, b: Vec<u8>, content_type: &'static str) -> Case {
        Case {
            body: Body::Bytes(b, content_type),
            ..self
        }
    }
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }
    fn ok(self, who: Who, status: u16) -> Case {
        Case {
            control: Some((who, status)),
            ..self
        }
    }
    fn last(self) -> Case {
        Case {
            destructive: true,
            ..self
        }
    }
    fn about(self, id: &str) -> Case {
        Case {
            subject: Some(id.to_owned()),
            ..self
        }
    }

    fn send(&self, api: &Api, path: &str) -> Resp {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        match &self.body {
            Body::Empty => api.send(self.method, path, None, &headers),
            Body::Json(v) => {
                let b = serde_json::to_vec(v).unwrap();
                api.send(self.method, path, Some((&b, "application/json")), &headers)
            }
            Body::Bytes(b, ct) => api.send(self.method, path, Some((b, ct)), &headers),
        }
    }
}

/// The status a writer gets: the planned one, or 409 on the sealed inspection.
fn unless_sealed(t: Insp, status: u16) -> u16 {
    if t == Insp::Sealed { 409 } else { status }
}

/// The calls of one operation of the document (`None`: the operation has no case yet).
fn cases(method: &str, template: &str, fx: &Fixture) -> Option<Vec<Case>> {
    use Access::*;
    let a = &fx.w.a;
    let per_inspection = |make: &dyn Fn(Insp, &Target) -> Case| {
        Some(
            INSPECTIONS
                .iter()
                .map(|&t| make(t, fx.target(t)).about(&fx.target(t).id))
                .collect(),
        )
    };
    let device_of = |who: Who| {
        if who == Who::Staff {
            &fx.staff_device
        } else {
            &fx.device
        }
    };
    let tus = |c: Case| c.header("Tus-Resumable", "1.0.0");
    let new_inspection = |mode: &str| {
        json!({"company_id": a.company,
            "inspection": example_inspection(mode, EXAMPLE_USCC)})
    };
    let hook = |rest: &str| format!("/api/v1/webhooks/{}{rest}", fx.hook);
    let one = |c: Case| Some(vec![c]);
    let rest = template.strip_prefix("/api/v1")?;
    match (method, rest) {
        ("GET", "/me") => one(Case::new("GET", template, Mine).ok(Who::Staff, 200)),
        ("POST", "/organizations") => one(
            Case::new("POST", template, AdminOnly)
                .json(json!({"kind": "authority", "name": "探针 通信管理局"}))
                .ok(Who::Admin, 201),
        ),
        ("GET", "/organizations") => one(Case::new("GET", template, Mine).ok(Who::Auditor, 200)),
        ("GET", "/organizations/{id}") => Some(vec![
            Case::new("GET", format!("/api/v1/organizations/{}", a.company), Company)
                .about(&a.company)
                .ok(Who::Staff, 200),
            Case::new("GET", format!("/api/v1/organizations/{}", a.authority), Authority)
                .about(&a.authority)
                .ok(Who::Inspector, 200),
        ]),
        ("POST", "/users") => one(
            Case::new("POST", template, AdminOnly)
                .json(json!({"org_id": a.company, "username": format!("probe-{}", uuid::Uuid::new_v4().simple()),
                    "display_name": "Probe", "role": "company_staff", "password": PASSWORD}))
                .ok(Who::Admin, 201),
        ),
        ("GET", "/users") => one(Case::new("GET", template, Mine).ok(Who::Admin, 200)),
        ("POST", "/users/{id}/enable") => one(
            Case::new("POST", format!("/api/v1/users/{}/enable", fx.victim_id), AdminOnly)
                .about(&fx.victim_id)
                .ok(Who::Admin, 204),
        ),
        ("POST", "/users/{id}/disable") => one(
            Case::new("POST", format!("/api/v1/users/{}/disable", fx.victim_id), AdminOnly)
                .about(&fx.victim_id)
                .ok(Who::Admin, 204)
                .last(),
        ),
        // Enrolling the same key again is idempotent for its owner.
        ("POST", "/devices") => one(
            Case::new("POST", template, Own)
                .json(json!({"name": "phone", "public_jwk": fx.device_jwk}))
                .ok(Who::Inspector, 200),
        ),
        ("GET", "/devices") => one(Case::new("GET", template, Mine).ok(Who::Inspector, 200)),
        ("DELETE", "/devices/{id}") => one(
            Case::new("DELETE", format!("/api/v1/devices/{}", fx.device), Device)
                .about(&fx.device)
                .ok(Who::Inspector, 204)
                .last(),
        ),
        ("POST", "/inspections") => Some(vec![
            Case::new("POST", template, Create { official: true })
                .json(new_inspection("official"))
                .ok(Who::Inspector, 201),
            Case::new("POST", template, Create { official: false })
                .json(new_inspection("rehearsal"))
                .ok(Who::Staff, 201),
        ]),
        ("GET", "/inspections") => one(Case::new("GET", template, Mine).ok(Who::Auditor, 200)),
        ("GET", "/inspections/{id}") => {
            per_inspection(&|t, x| Case::new("GET", x.path(""), Read(t)).ok(reader_of(t), 200))
        }
        ("POST", "/inspections/{id}/start") => per_inspection(&|t, x| {
            Case::new("POST", x.path("/start"), Write(t))
                .ok(writer_of(t), unless_sealed(t, 200))
        }),
        ("GET", "/inspections/{id}/findings") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/findings"), Read(t)).ok(reader_of(t), 200)
        }),
        ("GET", "/inspections/{id}/events") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/events"), Read(t)).ok(reader_of(t), 200)
        }),
        ("POST", "/inspections/{id}/seat-tags") => per_inspection(&|t, x| {
            Case::new("POST", x.path("/seat-tags"), Write(t))
                .json(json!({"seat_ids": ["probe-seat"]}))
                .ok(writer_of(t), unless_sealed(t, 200))
        }),
        ("GET", "/inspections/{id}/seat-tags") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/seat-tags"), Read(t)).ok(reader_of(t), 200)
        }),
        ("GET", "/inspections/{id}/seat-tags/{seat_id}/qr.png") => per_inspection(&|t, x| {
            Case::new("GET", x.path(&format!("/seat-tags/{}/qr.png", x.seat)), Read(t))
                .ok(reader_of(t), 200)
        }),
        ("GET", "/inspections/{id}/seat-labels") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/seat-labels"), Read(t)).ok(reader_of(t), 200)
        }),
        ("GET", "/inspections/{id}/assignment") => per_inspection(&|t, x| {
            let w = writer_of(t);
            Case::new(
                "GET",
                x.path(&format!("/assignment?device_id={}", device_of(w))),
                Write(t),
            )
            .ok(w, 200)
        }),
        ("POST", "/inspections/{id}/evidence") => per_inspection(&|t, x| {
            Case::new("POST", x.path("/evidence"), Write(t))
                .json(json!({"item": {"id": "note-probe", "kind": "note", "text": "probe", "rule_ids": []}}))
                .ok(writer_of(t), unless_sealed(t, 201))
        }),
        ("GET", "/inspections/{id}/evidence") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/evidence"), Read(t)).ok(reader_of(t), 200)
        }),
        ("POST", "/inspections/{id}/blobs") => per_inspection(&|t, x| {
            let bytes = b"probe bytes".to_vec();
            let sha = sha256_hex(&bytes);
            Case::new("POST", x.path("/blobs"), Write(t))
                .bytes(bytes, "text/plain")
                .header("X-Content-SHA256", sha)
                .ok(writer_of(t), unless_sealed(t, 201))
        }),
        ("GET", "/inspections/{id}/blobs/{sha256}") => per_inspection(&|t, x| {
            Case::new("GET", x.path(&format!("/blobs/{}", x.blob)), Read(t)).ok(reader_of(t), 200)
        }),
        ("POST", "/inspections/{id}/si-scans") => per_inspection(&|t, x| {
            Case::new("POST", x.path("/si-scans?item_id=si-probe"), Write(t))
                .bytes(fx.certificate.clone(), "image/jpeg")
                .ok(writer_of(t), unless_sealed(t, 201))
        }),
        ("POST", "/inspections/{id}/tus") => per_inspection(&|t, x| {
            tus(Case::new("POST", x.path("/tus"), Write(t)))
                .header("Upload-Length", UPLOAD_LENGTH.to_string())
                .ok(writer_of(t), unless_sealed(t, 201))
        }),
        ("HEAD", "/inspections/{id}/tus/{upload_id}") => per_inspection(&|t, x| {
            tus(Case::new("HEAD", x.path(&format!("/tus/{}", x.upload)), Upload(t)))
                .ok(writer_of(t), 200)
        }),
        ("PATCH", "/inspections/{id}/tus/{upload_id}") => per_inspection(&|t, x| {
            tus(Case::new("PATCH", x.path(&format!("/tus/{}", x.upload)), Upload(t)))
                .header("Upload-Offset", "0")
                .bytes(vec![7; UPLOAD_LENGTH / 2], "application/offset+octet-stream")
                .ok(writer_of(t), unless_sealed(t, 204))
        }),
        ("DELETE", "/inspections/{id}/tus/{upload_id}") => per_inspection(&|t, x| {
            tus(Case::new("DELETE", x.path(&format!("/tus/{}", x.upload)), Upload(t)))
                .ok(writer_of(t), 204)
                .last()
        }),
        ("POST", "/inspections/{id}/seal") => per_inspection(&|t, x| {
            let c = Case::new("POST", x.path("/seal"), Write(t)).json(json!({}));
            match t {
                // The company seals its rehearsal: last, it changes the rehearsal.
                Insp::Rehearsal => c.ok(Who::Staff, 200).last(),
                // No sign-offs yet.
                Insp::Official => c.ok(Who::Inspector, 422),
                Insp::Sealed => c.ok(Who::Inspector, 409),
            }
        }),
        ("GET", "/inspections/{id}/export") => per_inspection(&|t, x| {
            Case::new("GET", x.path("/export"), Read(t))
                .ok(reader_of(t), if t == Insp::Sealed { 200 } else { 409 })
        }),
        ("POST", "/inspections/{id}/reviews") => per_inspection(&|t, x| {
            let c = Case::new("POST", x.path("/reviews"), Review(t))
                .json(json!({"verdict": "has_issues", "comment": "probe"}));
            match t {
                // Reviewers do not see rehearsals; the admin does, and rehearsals are not reviewed.
                Insp::Rehearsal => c.ok(Who::Admin, 409),
                Insp::Official => c.ok(Who::Auditor, 409),
                Insp::Sealed => c.ok(Who::Auditor, 200),
            }
        }),
        ("POST", "/webhooks") => one(
            Case::new("POST", template, Own)
                .json(json!({"url": "http://127.0.0.1:9/probe"}))
                .ok(Who::Staff, 201),
        ),
        ("GET", "/webhooks") => one(Case::new("GET", template, Mine).ok(Who::Auditor, 200)),
        ("DELETE", "/webhooks/{id}") => one(
            Case::new("DELETE", hook(""), Hook)
                .about(&fx.hook)
                .ok(Who::Auditor, 204)
                .last(),
        ),
        ("GET", "/webhooks/{id}/deliveries") => one(
            Case::new("GET", hook("/deliveries"), Hook)
                .about(&fx.hook)
                .ok(Who::Inspector, 200),
        ),
        ("POST", "/webhooks/{id}/deliveries/{delivery_id}/redeliver") => one(
            Case::new(
                "POST",
                hook(&format!("/deliveries/{}/redeliver", fx.delivery)),
                Hook,
            )
            .about(&fx.hook)
            .ok(Who::Auditor, 202),
        ),
        _ => None,
    }
}

/// The operations that need no token (OpenAPI `security: [{}]`); a new one must be added
/// here on purpose.
const PUBLIC: [(&str, &str); 12] = [
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/revoke"),
    ("GET", "/api/v1/auth/jwks.json"),
    ("GET", "/.well-known/jwks.json"),
    // The trust anchor auditors pin: public by design, like the JWKS.
    ("GET", "/.well-known/hecha-key-history.json"),
    // The seal log is audited by anyone holding tree heads, as Certificate Transparency.
    ("GET", "/api/v1/log/tree-head"),
    ("GET", "/api/v1/log/consistency"),
    ("GET", "/api/v1/log/entries"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("OPTIONS", "/api/v1/inspections/{id}/tus"),
];

fn is_public(op: &Value) -> bool {
    match op.get("security").and_then(Value::as_array) {
        // No `security` of its own: the document's (bearer) applies.
        None => false,
        Some(reqs) => reqs
            .iter()
            .all(|r| r.as_object().is_some_and(|o| o.is_empty())),
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

// ---- Tokens that must not work ---------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT for `sub` with `alg` and `kid`, signed by `key` (unsigned for `none`).
fn forge(sub: &str, alg: &str, kid: &str, key: &Ed25519Key) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: sub.to_owned(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now,
        exp: now + 600,
        jti: uuid::Uuid::new_v4().to_string(),
        nbf: None,
    };
    let input = format!(
        "{}.{}",
        b64(&serde_json::to_vec(&json!({"alg": alg, "typ": "JWT", "kid": kid})).unwrap()),
        b64(&serde_json::to_vec(&claims).unwrap())
    );
    let sig = match alg {
        "none" => Vec::new(),
        _ => key.sign(input.as_bytes()).unwrap().to_vec(),
    };
    format!("{input}.{}", b64(&sig))
}

/// A JWT with this header and these claims, signed by `key`.
fn forge_with(header: Value, claims: Value, key: &Ed25519Key) -> String {
    let input = format!(
        "{}.{}",
        b64(&serde_json::to_vec(&header).unwrap()),
        b64(&serde_json::to_vec(&claims).unwrap())
    );
    let sig = key.sign(input.as_bytes()).unwrap().to_vec();
    format!("{input}.{}", b64(&sig))
}

/// The server's own token key (read from its keyring, as a thief of the key file would).
fn our_token_key(server: &TestServer) -> Ed25519Key {
    hecha_core::seal::keyring::Keyring::open(&server.state.settings.auth_keyring())
        .unwrap()
        .active_signer()
        .unwrap()
}

/// Claims as the server issues them, `iat` and `exp` given.
fn claims(sub: &str, iat: i64, exp: i64) -> Value {
    json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": iat, "exp": exp,
        "jti": uuid::Uuid::new_v4().to_string()})
}

/// Tokens of a valid user (tenant `a`'s inspector) that must all answer 401.
fn bad_tokens(server: &TestServer, fx: &Fixture) -> Vec<(&'static str, Option<String>, Want)> {
    let sub = &fx.w.a.inspector_id;
    let now = chrono::Utc::now().timestamp();
    let ours = server.state.tokens.jwks().keys[0].kid.clone();
    let stranger = Ed25519Key::generate().unwrap();
    let valid = fx.w.a.inspector.token.clone().unwrap();
    let (input, sig) = valid.rsplit_once('.').unwrap();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    let invalid = (401, "auth.invalid_token");
    let key = our_token_key(server);
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": ours});
    // The forger's tool works: a token made like ours with our key is accepted, so each
    // refusal below is for what the case changes.
    let control = forge_with(header.clone(), claims(sub, now, now + 600), &key);
    let r =
        fx.w.a
            .inspector
            .with_token(&control)
            .get("/api/v1/inspections");
    assert_eq!(r.status, 200, "{}", r.body);
    vec![
        ("no token", None, (401, "auth.missing_token")),
        (
            "an expired token",
            Some(server.state.tokens.issue_at(sub, now - 3600, 60).unwrap()),
            (401, "auth.expired_token"),
        ),
        (
            "a token of a stranger's key",
            Some(forge(sub, "EdDSA", stranger.kid(), &stranger)),
            invalid,
        ),
        (
            "a token naming our key, signed by a stranger's",
            Some(forge(sub, "EdDSA", &ours, &stranger)),
            invalid,
        ),
        (
            "a token with a changed signature",
            Some(format!("{input}.{flipped}{}", &sig[1..])),
            invalid,
        ),
        (
            "an unsigned token (alg none)",
            Some(forge(sub, "none", &ours, &stranger)),
            invalid,
        ),
        (
            "a token claiming HS256",
            Some(forge(sub, "HS256", &ours, &stranger)),
            invalid,
        ),
        // Signed with our own key, but not as we issue tokens.
        (
            "a token issued in the future",
            Some(forge_with(
                header.clone(),
                claims(sub, now + 3600, now + 3900),
                &key,
            )),
            invalid,
        ),
        (
            "a token not valid before a future time",
            Some(forge_with(
                header.clone(),
                {
                    let mut c = claims(sub, now, now + 600);
                    c["nbf"] = json!(now + 3600);
                    c
                },
                &key,
            )),
            invalid,
        ),
        (
            "a token living a year",
            Some(forge_with(
                header.clone(),
                claims(sub, now, now + 365 * 86_400),
                &key,
            )),
            invalid,
        ),
        (
            "a token with an unknown critical header",
            Some(forge_with(
                json!({"alg": "EdDSA", "typ": "JWT", "kid": ours, "crit": ["urn:example:x"], "urn:example:x": 1}),
                claims(sub, now, now + 600),
                &key,
            )),
            invalid,
        ),
    ]
}

// ---- The matrix ------------------------------------------------------------------------

/// Every wrong answer of a run, one line each.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, c: &Case, who: &str, r: &Resp, want: Want) {
        // A HEAD answer has no body to carry a problem code.
        let code_ok = c.method == "HEAD" || r.code() == want.1;
        if r.status != want.0 || !code_ok {
            self.0.push(format!(
                "{} {} as {who}: want {} {}, got {} {} {}",
                c.method,
                c.path,
                want.0,
                want.1,
                r.status,
                r.code(),
                detail(r)
            ));
        }
    }
    fn leaks(&mut self, c: &Case, who: Who, r: &Resp, fx: &Fixture) {
        let text = String::from_utf8_lossy(&r.bytes);
        for id in fx.hidden(who) {
            if !id.is_empty() && text.contains(id) {
                self.0.push(format!(
                    "{} {} as {who:?}: the answer ({}) tells {id}, which {who:?} must not see",
                    c.method, c.path, r.status
                ));
            }
        }
    }
}

fn detail(r: &Resp) -> String {
    r.body
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(120)
        .collect()
}

fn strangers_and_roles(c: &Case, fx: &Fixture, fails: &mut Failures) {
    for who in EVERYONE {
        let api = fx.api(who);
        match refusal(who, c.access) {
            Some(want) => {
                let r = c.send(api, &c.path);
                fails.check(c, &format!("{who:?}"), &r, want);
                fails.leaks(c, who, &r, fx);
                // Another tenant's thing and a thing that does not exist look the same.
                if who == Who::OtherInspector
                    && let Some(id) = &c.subject
                {
                    let unknown = uuid::Uuid::new_v4().to_string();
                    let twin = c.send(api, &c.path.replace(id.as_str(), &unknown));
                    if (twin.status, twin.code(), detail(&twin)) != (r.status, r.code(), detail(&r))
                    {
                        fails.0.push(format!(
                            "{} {} as {who:?}: answers {} {} «{}» but {} {} «{}» for an unknown id",
                            c.method,
                            c.path,
                            r.status,
                            r.code(),
                            detail(&r),
                            twin.status,
                            twin.code(),
                            detail(&twin)
                        ));
                    }
                }
            }
            None if matches!(c.access, Access::Mine) => {
                let r = c.send(api, &c.path);
                if !(200..300).contains(&r.status) {
                    fails.0.push(format!(
                        "{} {} as {who:?}: want 2xx, got {} {}",
                        c.method,
                        c.path,
                        r.status,
                        r.code()
                    ));
                }
                fails.leaks(c, who, &r, fx);
            }
            None => {}
        }
    }
}

fn every_endpoint_answers_only_its_own(backend: Backend) {
    let server = TestServer::start(backend);
    let fx = Fixture::build(&server);
    let doc = server.api().get("/api/v1/openapi.json").ok();
    let tokens = bad_tokens(&server, &fx);
    let mut fails = Failures::default();
    let mut all = Vec::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let method = method.to_uppercase();
            if is_public(op) {
                if !PUBLIC
                    .iter()
                    .any(|(m, p)| *m == method && *p == template.as_str())
                {
                    fails
                        .0
                        .push(format!("{method} {template} needs no token: on purpose?"));
                }
                continue;
            }
            match cases(&method, template, &fx) {
                Some(c) => all.extend(c),
                None => fails.0.push(format!("{method} {template}: no case")),
            }
        }
    }
    assert!(
        all.len() > 40,
        "only {} cases: is the document read?",
        all.len()
    );

    for c in &all {
        for (what, token, want) in &tokens {
            let api = match token {
                Some(t) => fx.w.admin.with_token(t),
                None => fx.w.admin.anonymous(),
            };
            let r = c.send(&api, &c.path);
            fails.check(c, what, &r, *want);
            if r.status == 401 && r.header("www-authenticate") != Some("Bearer") {
                fails.0.push(format!(
                    "{} {} as {what}: 401 without WWW-Authenticate",
                    c.method, c.path
                ));
            }
        }
        strangers_and_roles(c, &fx, &mut fails);
    }

    // The rightful callers, last (destructive ones at the very end): the paths, ids and
    // bodies above are real, so the refusals were refusals of real things.
    let mut controls: Vec<&Case> = all.iter().filter(|c| c.control.is_some()).collect();
    controls.sort_by_key(|c| c.destructive);
    for c in controls {
        let (who, status) = c.control.unwrap();
        let r = c.send(fx.api(who), &c.path);
        if r.status != status {
            fails.0.push(format!(
                "{} {} as {who:?} (rightful): want {status}, got {} {} {}",
                c.method,
                c.path,
                r.status,
                r.code(),
                detail(&r)
            ));
        }
        fails.leaks(c, who, &r, &fx);
    }

    // Beyond the paths: the other tenant cannot reach `a` through its own requests either.
    let b = &fx.w.b;
    let mut supplement = example_inspection("official", OTHER_USCC);
    supplement["supplement_of"] = json!(fx.sealed.id);
    let r = b.inspector.post(
        "/api/v1/inspections",
        &json!({"company_id": b.company, "inspection": supplement}),
    );
    if r.status != 404 {
        fails.0.push(format!(
            "a supplement of tenant a's inspection by tenant b's inspector: want 404, got {} {}",
            r.status,
            r.code()
        ));
    }
    let r = b.auditor.get(&format!(
        "/api/v1/inspections?company_id={}",
        fx.w.a.company
    ));
    if r.status != 200 || r.body["total"] != 0 {
        fails.0.push(format!(
            "tenant b's auditor searching tenant a's company: want 200 and nothing, got {} {}",
            r.status, r.body
        ));
    }

    assert!(
        fails.0.is_empty(),
        "{} wrong answers:\n{}",
        fails.0.len(),
        fails.0.join("\n")
    );
}

both_backends!(tenancy, every_endpoint_answers_only_its_own);

// ---- Signing in -------------------------------------------------------------------------

fn token_grant(api: &Api, body: Value) -> Resp {
    api.anonymous().post("/api/v1/auth/token", &body)
}

fn refresh(api: &Api, refresh_token: &str) -> Resp {
    token_grant(
        api,
        json!({"grant_type": "refresh_token", "refresh_token": refresh_token}),
    )
}

fn sign_in_flows(backend: Backend) {
    let server = TestServer::start(backend);
    let w = world(&server);
    let anon = server.api();

    // Who am I, for every role.
    for (api, role, org, kind) in [
        (&w.a.inspector, "inspector", &w.a.authority, "authority"),
        (&w.a.auditor, "auditor", &w.a.authority, "authority"),
        (&w.a.staff, "company_staff", &w.a.company, "company"),
        (&w.b.staff, "company_staff", &w.b.company, "company"),
    ] {
        let me = api.get("/api/v1/me").ok();
        assert_eq!(
            (
                me["role"].as_str(),
                me["org_id"].as_str(),
                me["org_kind"].as_str()
            ),
            (Some(role), Some(org.as_str()), Some(kind))
        );
    }
    assert_eq!(w.admin.get("/api/v1/me").ok()["role"], "admin");
    assert_eq!(
        w.a.staff.get("/api/v1/me").ok()["user_id"],
        w.a.staff_id.as_str()
    );

    // Password grant: a wrong password and an unknown user answer alike.
    let (member, member_id) = user(&w.admin, &w.a.company, "company_staff");
    let username = member.get("/api/v1/me").ok()["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = token_grant(
        &anon,
        json!({"grant_type": "password", "username": username, "password": "not the password"}),
    );
    assert_eq!((wrong.status, wrong.code()), (401, "auth.bad_credentials"));
    let unknown = token_grant(
        &anon,
        json!({"grant_type": "password", "username": "nobody-at-all", "password": PASSWORD}),
    );
    assert_eq!(
        (unknown.status, unknown.code()),
        (401, "auth.bad_credentials")
    );
    assert_eq!(detail(&wrong), detail(&unknown));
    let pair = token_grant(
        &anon,
        json!({"grant_type": "password", "username": username, "password": PASSWORD}),
    )
    .ok();
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["role"], "company_staff");
    assert!(pair["expires_in"].as_i64().unwrap() > 0);

    // Malformed Authorization headers.
    let basic = anon.send(
        "GET",
        "/api/v1/me",
        None,
        &[("Authorization", "Basic dXNlcjpwYXNz")],
    );
    assert_eq!((basic.status, basic.code()), (401, "auth.missing_token"));
    let garbage = anon.with_token("not.a.jwt").get("/api/v1/me");
    assert_eq!(
        (garbage.status, garbage.code()),
        (401, "auth.invalid_token")
    );
    // A refresh token is not an access token.
    let r1 = pair["refresh_token"].as_str().unwrap().to_owned();
    let as_access = anon.with_token(&r1).get("/api/v1/me");
    assert_eq!(
        (as_access.status, as_access.code()),
        (401, "auth.invalid_token")
    );

    // Rotation: a refresh token works once.
    let second = refresh(&anon, &r1).ok();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    anon.with_token(second["access_token"].as_str().unwrap())
        .get("/api/v1/me")
        .ok();
    let third = refresh(&anon, &r2).ok();
    let r3 = third["refresh_token"].as_str().unwrap().to_owned();
    // Another sign-in of the same user: its own family.
    let other_session = token_grant(
        &anon,
        json!({"grant_type": "password", "username": username, "password": PASSWORD}),
    )
    .ok();
    let other = other_session["refresh_token"].as_str().unwrap().to_owned();
    // A rotated token presented again (a stolen copy replayed): refused, and every token
    // of that sign-in with it — the latest one, which the thief or the user holds, too.
    let replay = refresh(&anon, &r1);
    assert_eq!((replay.status, replay.code()), (401, "auth.refresh_reused"));
    let after_replay = refresh(&anon, &r3);
    assert_eq!(
        (after_replay.status, after_replay.code()),
        (401, "auth.bad_refresh_token"),
        "the family's live token is revoked"
    );
    // The other sign-in goes on.
    let other_next = refresh(&anon, &other).ok();
    let r3 = other_next["refresh_token"].as_str().unwrap().to_owned();

    // Revocation (sign out): the token stops working; unknown tokens are accepted silently.
    anon.post("/api/v1/auth/revoke", &json!({"refresh_token": r3}))
        .expect(204);
    let revoked = refresh(&anon, &r3);
    assert_eq!(
        (revoked.status, revoked.code()),
        (401, "auth.bad_refresh_token")
    );
    anon.post(
        "/api/v1/auth/revoke",
        &json!({"refresh_token": "never issued"}),
    )
    .expect(204);

    // A disabled user: the still-valid access token and the refresh token stop at once.
    let live = member.login(&username, PASSWORD);
    live.get("/api/v1/me").ok();
    w.admin
        .post(&format!("/api/v1/users/{member_id}/disable"), &json!({}))
        .expect(204);
    let after = live.get("/api/v1/me");
    assert_eq!((after.status, after.code()), (401, "auth.invalid_token"));
    let after = live.get("/api/v1/inspections");
    assert_eq!(after.status, 401);
    let after = refresh(&anon, live.refresh.as_deref().unwrap());
    assert_eq!(after.status, 401, "{}", after.body);
    let after = token_grant(
        &anon,
        json!({"grant_type": "password", "username": username, "password": PASSWORD}),
    );
    assert_eq!((after.status, after.code()), (401, "auth.bad_credentials"));
    // Disabling someone who does not exist.
    w.admin
        .post(
            &format!("/api/v1/users/{}/disable", uuid::Uuid::new_v4()),
            &json!({}),
        )
        .expect(404);
    // Enabled again, the user signs in again (disabling ended their sign-ins).
    w.admin
        .post(&format!("/api/v1/users/{member_id}/enable"), &json!({}))
        .expect(204);
    let stale = refresh(&anon, live.refresh.as_deref().unwrap());
    assert_eq!(stale.status, 401, "{}", stale.body);
    member.login(&username, PASSWORD).get("/api/v1/me").ok();

    // An admin cannot disable themself.
    let me = w.admin.get("/api/v1/me").ok()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = w
        .admin
        .post(&format!("/api/v1/users/{me}/disable"), &json!({}));
    assert_eq!((r.status, r.code()), (409, "user.self"), "{}", r.body);
}

both_backends!(admins_never_all_disabled, two_admins_disabling_each_other);

/// Two admins disabling each other at the same moment: one wins, the other is refused (the
/// last active admin) or finds itself disabled — never both disabled, which nobody could
/// undo. Repeated, since a race shows only sometimes.
fn two_admins_disabling_each_other(backend: Backend) {
    let server = TestServer::start(backend);
    for round in 0..6 {
        let admins: Vec<(hecha_tests::Api, String)> = (0..2)
            .map(|_| {
                let api = server.admin();
                let id = api.get("/api/v1/me").ok()["user_id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                (api, id)
            })
            .collect();
        // Only these two are active: every earlier admin is disabled first.
        let everyone = admins[0].0.get("/api/v1/users").ok();
        for u in everyone.as_array().unwrap() {
            let id = u["id"].as_str().unwrap();
            if u["role"] == "admin"
                && u["disabled"] == false
                && !admins.iter().any(|(_, a)| a == id)
            {
                admins[0]
                    .0
                    .post(&format!("/api/v1/users/{id}/disable"), &json!({}))
                    .expect(204);
            }
        }
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = [(0, 1), (1, 0)]
            .into_iter()
            .map(|(me, other)| {
                let api = admins[me].0.clone();
                let target = admins[other].1.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    api.post(&format!("/api/v1/users/{target}/disable"), &json!({}))
                        .status
                })
            })
            .collect();
        let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let active = admins
            .iter()
            .filter(|(api, _)| api.get("/api/v1/me").status == 200)
            .count();
        assert_eq!(active, 1, "round {round}: {statuses:?}");
        assert!(statuses.contains(&204), "round {round}: {statuses:?}");
    }
}

both_backends!(sign_in, sign_in_flows);

// ---- Content addressing does not cross tenants -----------------------------------------

/// Blobs are stored once per content, but an item may only name bytes uploaded to its own
/// inspection: whoever knows the digest of another tenant's bytes can neither learn that
/// they are stored nor read them through an inspection of their own.
#[test]
fn another_tenants_bytes_cannot_be_borrowed_by_their_digest() {
    let server = TestServer::start(Backend::Sqlite);
    let w = world(&server);
    let theirs = create_inspection(&w.a.inspector, &w.a.company, "official");
    let blob =
        w.a.inspector
            .upload(&theirs, b"tenant a's photo", "text/plain", "a.txt");
    let ours = w
        .b
        .inspector
        .post(
            "/api/v1/inspections",
            &json!({"company_id": w.b.company, "inspection": example_inspection("official", OTHER_USCC)}),
        )
        .expect(201)
        .str("id");
    let borrowed = w.b.inspector.post(
        &format!("/api/v1/inspections/{ours}/evidence"),
        &json!({"item": {"id": "borrowed", "kind": "note", "text": "x", "rule_ids": [], "blob": blob}}),
    );
    let read = w.b.inspector.get(&format!(
        "/api/v1/inspections/{ours}/blobs/{}",
        blob["sha256"].as_str().unwrap()
    ));
    assert_eq!(
        (borrowed.status, borrowed.code(), read.status),
        (422, "evidence.blob_missing", 404)
    );
}

// ---- Sign-in limits ----------------------------------------------------------------------

/// A password grant from `address` (sent as X-Forwarded-For; counted only where the
/// server trusts that header).
fn sign_in_from(api: &Api, username: &str, password: &str, address: Option<&str>) -> Resp {
    let body = serde_json::to_vec(
        &json!({"grant_type": "password", "username": username, "password": password}),
    )
    .unwrap();
    let headers: Vec<(&str, &str)> = address
        .map(|a| vec![("X-Forwarded-For", a)])
        .unwrap_or_default();
    api.anonymous().send(
        "POST",
        "/api/v1/auth/token",
        Some((&body, "application/json")),
        &headers,
    )
}

fn name_of(api: &Api) -> String {
    api.get("/api/v1/me").ok()["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn assert_limited(r: &Resp) {
    assert_eq!(
        (r.status, r.code()),
        (429, "auth.too_many_failures"),
        "{}",
        r.body
    );
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
}

/// 200 wrong passwords, then the right one, used to work. Now: after N failures for a user
/// name, or M from one address, the right password too answers 429 with Retry-After, on
/// every replica; a client-sent X-Forwarded-For changes nothing unless the operator trusts
/// that header.
fn sign_in_limits(backend: Backend) {
    let server = TestServer::start_with(backend, |s| {
        s.auth.max_failures_per_user = 5;
        s.auth.max_failures_per_address = 8;
    });
    let w = world(&server);
    let (u, v) = (name_of(&w.a.staff), name_of(&w.a.inspector));
    let anon = server.api();
    for n in 0..5 {
        // Another address each time, as a client may claim: not trusted, not counted apart.
        let wrong = sign_in_from(&anon, &u, "not it", Some(&format!("198.51.100.{n}")));
        assert_eq!((wrong.status, wrong.code()), (401, "auth.bad_credentials"));
    }
    assert_limited(&sign_in_from(&anon, &u, PASSWORD, None));
    // Counted in the database: another replica refuses as well.
    let replica = server.replica();
    assert_limited(&sign_in_from(&replica.api(), &u, PASSWORD, None));
    // Another user from the same address (5 failures of 8) signs in, which forgets only
    // that user's failures.
    sign_in_from(&anon, &v, PASSWORD, None).ok();
    for _ in 0..3 {
        sign_in_from(&anon, &v, "not it", None).expect(401);
    }
    // The address has failed 8 times now: nobody signs in from it, for a while.
    assert_limited(&sign_in_from(&anon, &v, PASSWORD, None));
    let doc = anon.get("/api/v1/openapi.json").ok();
    assert!(
        doc["paths"]["/api/v1/auth/token"]["post"]["responses"]["429"]["headers"]["Retry-After"]
            .is_object(),
        "the OpenAPI document says so"
    );

    // Behind a trusted proxy: its header names the client.
    let proxied = TestServer::start_with(backend, |s| {
        s.auth.max_failures_per_address = 3;
        s.auth.client_address_header = Some("X-Forwarded-For".into());
    });
    let pw = world(&proxied);
    let p = name_of(&pw.a.staff);
    let api = proxied.api();
    for name in ["x1", "x2", "x3"] {
        sign_in_from(&api, name, "guess", Some("10.0.0.1, 203.0.113.5")).expect(401);
    }
    assert_limited(&sign_in_from(
        &api,
        &p,
        PASSWORD,
        Some("10.0.0.1, 203.0.113.5"),
    ));
    sign_in_from(&api, &p, PASSWORD, Some("10.0.0.1, 203.0.113.6")).ok();
    // Without the header (not through the proxy): counted against the peer address.
    for name in ["y1", "y2", "y3"] {
        sign_in_from(&api, name, "guess", None).expect(401);
    }
    assert_limited(&sign_in_from(&api, &p, PASSWORD, None));
}

both_backends!(sign_in_limited, sign_in_limits);

/// `/metrics` behind a bearer token when one is configured.
#[test]
fn metrics_need_the_configured_token() {
    let server = TestServer::start_with(Backend::Sqlite, |s| {
        s.metrics_token = Some("a scrape secret".into())
    });
    let anon = server.api();
    for token in [None, Some("a guess"), Some("a scrape secre")] {
        let api = match token {
            Some(t) => anon.with_token(t),
            None => anon.anonymous(),
        };
        let r = api.get("/metrics");
        assert_eq!((r.status, r.code()), (401, "metrics.token"), "{token:?}");
    }
    let r = anon.with_token("a scrape secret").get("/metrics");
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.bytes).contains("hecha_"));
}

/// `/metrics` on an address of its own: served there (and nothing else is), not on the
/// API's listener.
#[test]
fn metrics_on_their_own_listener() {
    let port = hecha_tests::s3::free_port();
    let addr = format!("127.0.0.1:{port}");
    let server = TestServer::start_with(Backend::Sqlite, |s| s.metrics_listen = Some(addr.clone()));
    let main = server.api().get("/metrics");
    assert_eq!(main.status, 404, "not on the API's listener");
    let own = Api::new(&format!("http://{addr}"));
    let r = own.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.bytes).contains("hecha_"));
    for path in ["/healthz", "/api/v1/me", "/api/v1/inspections"] {
        assert_eq!(own.get(path).status, 404, "{path} on the metrics listener");
    }
}
