//! Evidence bytes over real HTTP, on SQLite and PostgreSQL: a direct upload checked against
//! the client's digest, resumable uploads over tus 1.0 (by hand and with tuspy, an existing
//! client). Bad input gets a clear problem and loses nothing: whatever is refused leaves no
//! `blobs` row, no stored file and no spool file behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use hecha_tests::client::raw;
use hecha_tests::client::sha256_hex;
use hecha_tests::flow::{World, create_inspection, user, world};
use hecha_tests::{Api, Backend, Resp, TestServer, both_backends, noise};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `limits.max_upload_bytes` of these servers.
const LIMIT: u64 = 4 * 1024 * 1024;

/// `limits.body_idle_timeout_s` of these servers.
const IDLE_S: u64 = 1;

fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |s| {
        s.limits.max_upload_bytes = LIMIT;
        s.limits.body_idle_timeout_s = IDLE_S;
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Where the local store keeps a blob, relative to its root (`<data_dir>/blobs`).
fn stored_path(sha: &str) -> String {
    format!("blobs/sha256/{}/{sha}", &sha[..2])
}

/// One inspection and the inspector who runs it.
struct Visit<'s> {
    server: &'s TestServer,
    inspector: Api,
    inspection: String,
}

impl<'s> Visit<'s> {
    /// An official inspection of the first tenant's company, by its inspector.
    fn official(server: &'s TestServer, w: &World) -> Self {
        Visit {
            server,
            inspection: create_inspection(&w.a.inspector, &w.a.company, "official"),
            inspector: w.a.inspector.clone(),
        }
    }

    fn blobs_path(&self) -> String {
        format!("/api/v1/inspections/{}/blobs", self.inspection)
    }

    fn upload(&self, bytes: &[u8], headers: &[(&str, &str)]) -> Resp {
        self.inspector.send(
            "POST",
            &self.blobs_path(),
            Some((bytes, "application/pdf")),
            headers,
        )
    }

    /// The headers of a PDF upload announcing the SHA-256 `sha`.
    fn pdf_headers(sha: &str) -> [(&'static str, &str); 2] {
        [
            ("Content-Type", "application/pdf"),
            ("X-Content-SHA256", sha),
        ]
    }

    /// Announces `announced` bytes hashing to `sha`, sends only `sent`, and leaves the
    /// connection open.
    fn send_partial(&self, sha: &str, announced: usize, sent: &[u8]) -> std::net::TcpStream {
        let headers = Self::pdf_headers(sha);
        raw::send_partial(
            &self.inspector,
            "POST",
            &self.blobs_path(),
            &headers,
            announced as u64,
            sent,
        )
    }

    /// Sends `chunks` announcing `sha`, with no `Content-Length` (see [`raw::send_chunked`]).
    fn send_chunked(&self, sha: &str, chunks: &[&[u8]]) -> (u16, Value) {
        raw::send_chunked(
            &self.inspector,
            "POST",
            &self.blobs_path(),
            &Self::pdf_headers(sha),
            chunks,
        )
    }

    /// A document item referring to stored bytes.
    fn record_document(&self, item_id: &str, sha: &str, size: usize) -> Resp {
        self.inspector.post(
            &format!("/api/v1/inspections/{}/evidence", self.inspection),
            &json!({"item": {
                "id": item_id, "kind": "document", "doc_kind": "idc_license",
                "blob": {"sha256": sha, "size": size, "media_type": "application/pdf", "file_name": "license.pdf"},
            }}),
        )
    }

    fn download(&self, sha: &str) -> Resp {
        self.inspector.get(&format!("{}/{sha}", self.blobs_path()))
    }

    /// Nothing of `sha` is stored: no row, no object; and no spool file or half-written
    /// local file is left.
    #[track_caller]
    fn assert_nothing_stored(&self, sha: &str) {
        assert!(
            !self.server.blob_rows().contains(&sha.to_owned()),
            "a blobs row for {sha}"
        );
        self.assert_spool_empty();
        let keys = self.server.stored_keys();
        assert!(
            !keys.contains(&stored_path(sha)),
            "a stored object for {sha}"
        );
        let partial: Vec<&String> = keys.iter().filter(|k| k.contains(".partial-")).collect();
        assert!(partial.is_empty(), "half-written files left: {partial:?}");
    }

    /// `sha`'s bytes are stored, with a row.
    #[track_caller]
    fn assert_stored(&self, sha: &str) {
        assert!(self.server.blob_rows().contains(&sha.to_owned()));
        assert!(self.server.stored_keys().contains(&stored_path(sha)));
    }

    /// The spool is emptied (and half-written local files are removed) as soon as the
    /// server has dealt with a request: wait for it.
    #[track_caller]
    fn assert_spool_empty(&self) {
        let leftovers = || {
            let mut files = self.server.files_under("spool");
            files.extend(
                self.server
                    .files_under("blobs")
                    .into_iter()
                    .filter(|f| f.contains(".partial-")),
            );
            files
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !leftovers().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(leftovers(), Vec::<String>::new());
    }

    /// Waits until a request body is being received (an upload in flight), straight to the
    /// store or into a spool file.
    #[track_caller]
    fn wait_for_receiving(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.uploads_in_flight() == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(self.uploads_in_flight(), 1);
    }

    /// Waits until a request body is being received: a spool file and an upload in flight.
    #[track_caller]
    fn wait_for_spooling(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.server.files_under("spool").is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            self.server.files_under("spool").len(),
            1,
            "the body is spooled"
        );
        assert_eq!(self.uploads_in_flight(), 1);
    }

    /// `hecha_uploads_in_flight` as `/metrics` says.
    fn uploads_in_flight(&self) -> i64 {
        let text = String::from_utf8(self.server.api().get("/metrics").bytes).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("hecha_uploads_in_flight "))
            .and_then(|v| v.trim().parse().ok())
            .expect("uploads_in_flight metric")
    }
}

// ───────────────────────────── direct upload ─────────────────────────────

fn direct_uploads(backend: Backend) {
    let server = server(backend);
    let w = world(&server);
    let visit = Visit::official(&server, &w);
    bytes_with_their_digest_are_stored_and_served_back(&visit);
    uploaded_pages_are_downloads_not_pages(&visit);
    content_digest_header_is_accepted(&visit);
    a_wrong_digest_stores_nothing(&visit);
    no_digest_header_is_refused(&visit);
    a_body_announced_over_the_limit_is_refused(&visit);
    a_chunked_body_growing_past_the_limit_is_refused(&visit);
    a_truncated_upload_stores_nothing_and_the_server_goes_on(&visit);
    a_body_of_unknown_length_is_spooled_then_stored(&visit);
    bytes_stored_already_are_checked_not_stored_again(&visit);
    a_stalled_upload_is_given_up_and_frees_its_slot(&visit);
    the_same_bytes_sent_at_once_are_stored_once(&visit, &w);
}
both_backends!(direct, direct_uploads);

/// The same on S3 (s3s-fs): bodies of known length go to the bucket as they arrive.
#[test]
fn direct_uploads_to_s3() {
    let s3 = hecha_tests::s3::S3Server::start_s3s_fs();
    let settings = s3.settings("hecha-direct");
    hecha_tests::server::run_async(async {
        hecha_server::store::s3::S3Store::open(&settings)
            .unwrap()
            .create_bucket_if_missing(false)
            .await
            .unwrap()
    });
    let server = TestServer::start_with(Backend::Sqlite, |s| {
        s.limits.max_upload_bytes = LIMIT;
        s.limits.body_idle_timeout_s = IDLE_S;
        s.s3 = Some(settings.clone());
    });
    let w = world(&server);
    let visit = Visit::official(&server, &w);
    bytes_with_their_digest_are_stored_and_served_back(&visit);
    a_wrong_digest_stores_nothing(&visit);
    a_truncated_upload_stores_nothing_and_the_server_goes_on(&visit);
    a_body_of_unknown_length_is_spooled_then_stored(&visit);
    bytes_stored_already_are_checked_not_stored_again(&visit);
    a_stalled_upload_is_given_up_and_frees_its_slot(&visit);
    the_same_bytes_sent_at_once_are_stored_once(&visit, &w);
}

fn bytes_with_their_digest_are_stored_and_served_back(v: &Visit) {
    let bytes = noise(300_000, 1);
    let sha = sha256_hex(&bytes);
    let stored = v
        .upload(&bytes, &[("X-Content-SHA256", &sha)])
        .expect(201)
        .body;
    assert_eq!(stored["sha256"], sha);
    assert_eq!(stored["size"], bytes.len());
    assert_eq!(stored["media_type"], "application/pdf");
    v.assert_stored(&sha);
    v.assert_spool_empty();
    // Bytes no item refers to are not served.
    v.download(&sha).expect(404);
    v.record_document("doc-direct", &sha, bytes.len())
        .expect(201);
    let back = v.download(&sha).expect(200);
    assert_eq!(back.header("content-type"), Some("application/pdf"));
    assert!(back.bytes == bytes, "the bytes come back as they were sent");
    // The same bytes again: accepted, still one copy.
    v.upload(&bytes, &[("X-Content-SHA256", &sha)]).expect(201);
}

/// A page uploaded as evidence (HTML, SVG with a script) is served as a download, never
/// rendered on the API's origin; a photo is shown inline; nothing is sniffed.
fn uploaded_pages_are_downloads_not_pages(v: &Visit) {
    let cases: [(&[u8], &str, bool); 4] = [
        (
            b"<html><script>alert(document.cookie)</script></html>",
            "text/html",
            false,
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "image/svg+xml",
            false,
        ),
        (b"%PDF-1.4 not a photo", "application/pdf", false),
        (b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg", true),
    ];
    for (n, (bytes, media_type, inline)) in cases.into_iter().enumerate() {
        let sha = sha256_hex(bytes);
        v.inspector
            .send(
                "POST",
                &v.blobs_path(),
                Some((bytes, media_type)),
                &[("X-Content-SHA256", &sha)],
            )
            .expect(201);
        v.inspector
            .post(
                &format!("/api/v1/inspections/{}/evidence", v.inspection),
                &json!({"item": {"id": format!("page-{n}"), "kind": "document", "doc_kind": "other",
                    "blob": {"sha256": sha, "size": bytes.len(), "media_type": media_type}}}),
            )
            .expect(201);
        let back = v.download(&sha).expect(200);
        assert_eq!(back.header("content-type"), Some(media_type));
        assert_eq!(back.header("x-content-type-options"), Some("nosniff"));
        let csp = back.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        let disposition = back.header("content-disposition");
        if inline {
            assert_eq!(disposition, None, "{media_type}");
        } else {
            assert!(
                disposition.is_some_and(|d| d.starts_with("attachment")),
                "{media_type}: {disposition:?}"
            );
        }
    }
    // Every answer carries the standard headers, errors included.
    for path in ["/healthz", "/api/v1/no-such-thing"] {
        let r = v.inspector.get(path);
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(
            r.header("content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors 'none'")),
            "{path}"
        );
    }
}

fn content_digest_header_is_accepted(v: &Visit) {
    let bytes = noise(10_000, 2);
    let digest = format!("sha-256=:{}:", b64(&Sha256::digest(&bytes)));
    let stored = v
        .upload(&bytes, &[("Content-Digest", &digest)])
        .expect(201)
        .body;
    assert_eq!(stored["sha256"], sha256_hex(&bytes));
    // RFC 9530 lets a client send several algorithms; sha-256 is the one checked.
    let bytes = noise(10_000, 3);
    let digest = format!("sha-512=:AAAA:, sha-256=:{}:", b64(&Sha256::digest(&bytes)));
    v.upload(&bytes, &[("Content-Digest", &digest)]).expect(201);
    // A Content-Digest of other bytes is a mismatch like any other.
    let other = format!("sha-256=:{}:", b64(&Sha256::digest(b"other")));
    let r = v.upload(&noise(1000, 4), &[("Content-Digest", &other)]);
    assert_eq!((r.status, r.code()), (422, "upload.digest_mismatch"));
}

fn a_wrong_digest_stores_nothing(v: &Visit) {
    let bytes = noise(200_000, 5);
    let r = v.upload(
        &bytes,
        &[("X-Content-SHA256", &sha256_hex(b"something else"))],
    );
    assert_eq!(
        (r.status, r.code()),
        (422, "upload.digest_mismatch"),
        "{}",
        r.body
    );
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    v.assert_nothing_stored(&sha256_hex(&bytes));
    // Neither under the digest claimed: the body went to the store as it arrived, under the
    // claimed digest's key, and must not have completed there.
    v.assert_nothing_stored(&sha256_hex(b"something else"));
    // A header that is no digest at all.
    let r = v.upload(&bytes, &[("X-Content-SHA256", "not-a-digest")]);
    assert_eq!((r.status, r.code()), (400, "upload.bad_digest_header"));
    v.assert_nothing_stored(&sha256_hex(&bytes));
}

fn no_digest_header_is_refused(v: &Visit) {
    let bytes = noise(1000, 6);
    let r = v.upload(&bytes, &[]);
    assert_eq!(
        (r.status, r.code()),
        (400, "upload.digest_required"),
        "{}",
        r.body
    );
    v.assert_nothing_stored(&sha256_hex(&bytes));
}

fn a_body_announced_over_the_limit_is_refused(v: &Visit) {
    let len = (LIMIT + 1).to_string();
    let sha = sha256_hex(b"never sent");
    let (status, body) = raw::answer_to_head(
        &v.inspector,
        "POST",
        &v.blobs_path(),
        &[
            ("Content-Type", "application/pdf"),
            ("Content-Length", &len),
            ("X-Content-SHA256", &sha),
        ],
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "upload.too_large");
    v.assert_spool_empty();
}

fn a_chunked_body_growing_past_the_limit_is_refused(v: &Visit) {
    let chunk = noise(64 * 1024, 7);
    let n = (LIMIT / chunk.len() as u64) as usize + 1;
    let chunks: Vec<&[u8]> = std::iter::repeat_n(chunk.as_slice(), n).collect();
    let sha = sha256_hex(&chunks.concat());
    let (status, body) = raw::send_chunked_unfinished(
        &v.inspector,
        "POST",
        &v.blobs_path(),
        &Visit::pdf_headers(&sha),
        &chunks,
    );
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "upload.too_large");
    v.assert_nothing_stored(&sha);
}

fn a_truncated_upload_stores_nothing_and_the_server_goes_on(v: &Visit) {
    let bytes = noise(1_000_000, 8);
    let sha = sha256_hex(&bytes);
    let socket = v.send_partial(&sha, bytes.len(), &bytes[..300_000]);
    // Announced, small enough and a store slot free: straight to the store, no spool file.
    v.wait_for_receiving();
    assert_eq!(v.server.files_under("spool"), Vec::<String>::new());
    drop(socket); // the phone loses its network
    v.assert_nothing_stored(&sha);
    // The server notices the closed connection when it next reads from it: wait for that
    // (bounded), then the upload must be over.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while v.uploads_in_flight() != 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(v.uploads_in_flight(), 0, "the cut upload is over");
    // The phone comes back and sends the whole file.
    v.upload(&bytes, &[("X-Content-SHA256", &sha)]).expect(201);
    v.assert_stored(&sha);
    v.assert_spool_empty();
}

fn a_stalled_upload_is_given_up_and_frees_its_slot(v: &Visit) {
    let bytes = noise(600_000, 24);
    let sha = sha256_hex(&bytes);
    let started = std::time::Instant::now();
    let mut socket = v.send_partial(&sha, bytes.len(), &bytes[..100_000]);
    // The phone keeps the connection open and sends nothing more.
    let (status, body) = raw::read_answer(&mut socket);
    assert_eq!(
        (status, body["code"].as_str()),
        (408, Some("upload.stalled")),
        "{body}"
    );
    assert!(started.elapsed() >= std::time::Duration::from_secs(IDLE_S));
    drop(socket);
    v.assert_nothing_stored(&sha);
    assert_eq!(v.uploads_in_flight(), 0);
    v.upload(&bytes, &[("X-Content-SHA256", &sha)]).expect(201);
    v.assert_stored(&sha);
}

fn a_body_of_unknown_length_is_spooled_then_stored(v: &Visit) {
    let chunk = noise(100_000, 21);
    let chunks = [chunk.as_slice(), &chunk[..1234], chunk.as_slice()];
    let bytes = chunks.concat();
    let sha = sha256_hex(&bytes);
    let (status, body) = v.send_chunked(&sha, &chunks);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["size"], bytes.len());
    v.assert_stored(&sha);
    v.assert_spool_empty();
    v.download(&sha).expect(404); // no item refers to it yet
    // The same with a digest that does not match: refused, nothing kept.
    let other = noise(50_000, 22);
    let (status, body) = v.send_chunked(&sha256_hex(b"not these bytes"), &[other.as_slice()]);
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("upload.digest_mismatch"))
    );
    v.assert_nothing_stored(&sha256_hex(&other));
}

/// Phones of two inspections send the same bytes at the same moment (the same document
/// photographed twice, a retry racing its original): every upload is accepted, the bytes
/// are stored once with one row, and each inspection may refer to them.
fn the_same_bytes_sent_at_once_are_stored_once(v: &Visit, w: &World) {
    let other = Visit {
        server: v.server,
        inspection: create_inspection(&w.a.inspector, &w.a.company, "official"),
        inspector: w.a.inspector.clone(),
    };
    let bytes = noise(600_000, 31);
    let sha = sha256_hex(&bytes);
    let answers: Vec<Resp> = std::thread::scope(|scope| {
        let sends: Vec<_> = (0..8)
            .map(|i| {
                let visit = if i % 2 == 0 { v } else { &other };
                let (bytes, sha) = (&bytes, &sha);
                scope.spawn(move || visit.upload(bytes, &[("X-Content-SHA256", sha)]))
            })
            .collect();
        sends.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &answers {
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["sha256"], sha.as_str());
    }
    v.assert_stored(&sha);
    v.assert_spool_empty();
    for (visit, item) in [(v, "race-a"), (&other, "race-b")] {
        visit.record_document(item, &sha, bytes.len()).expect(201);
        assert!(visit.download(&sha).expect(200).bytes == bytes);
    }
}

fn bytes_stored_already_are_checked_not_stored_again(v: &Visit) {
    let bytes = noise(300_000, 23);
    let sha = sha256_hex(&bytes);
    v.upload(&bytes, &[("X-Content-SHA256", &sha)]).expect(201);
    v.assert_stored(&sha);
    let local_file = v
        .server
        .data_dir
        .path()
        .join("blobs")
        .join(stored_path(&sha));
    let written = || {
        std::fs::metadata(&local_file)
            .and_then(|m| m.modified())
            .ok()
    };
    let first_write = written();
    // Again: accepted, the bytes hashed and not written a second time.
    let again = v.upload(&bytes, &[("X-Content-SHA256", &sha)]).expect(201);
    assert_eq!(again.body["sha256"], sha.as_str());
    assert_eq!(written(), first_write, "the stored file was not rewritten");
    // Other bytes claiming that digest are refused; the stored bytes are untouched.
    let mut forged = bytes.clone();
    forged[1000] ^= 1;
    let r = v.upload(&forged, &[("X-Content-SHA256", &sha)]);
    assert_eq!(
        (r.status, r.code()),
        (422, "upload.digest_mismatch"),
        "{}",
        r.body
    );
    v.record_document("kept-once", &sha, bytes.len())
        .expect(201);
    let served = v.download(&sha).expect(200);
    assert_eq!(sha256_hex(&served.bytes), sha);
    v.assert_spool_empty();
}

// ───────────────────────────── tus ─────────────────────────────

const TUS: (&str, &str) = ("Tus-Resumable", "1.0.0");
const OCTETS: &str = "application/offset+octet-stream";

impl Visit<'_> {
    fn tus_path(&self) -> String {
        format!("/api/v1/inspections/{}/tus", self.inspection)
    }

    /// Creates an upload of `len` bytes; returns its URL path.
    fn tus_create(&self, len: usize, metadata: &[(&str, &str)]) -> String {
        let meta: Vec<String> = metadata
            .iter()
            .map(|(k, v)| format!("{k} {}", b64(v.as_bytes())))
            .collect();
        let len = len.to_string();
        let r = self
            .inspector
            .send(
                "POST",
                &self.tus_path(),
                None,
                &[
                    TUS,
                    ("Upload-Length", &len),
                    ("Upload-Metadata", &meta.join(",")),
                ],
            )
            .expect(201);
        assert_eq!(r.header("tus-resumable"), Some("1.0.0"));
        let location = r.header("location").expect("Location").to_owned();
        assert!(
            location.starts_with(&format!("{}/", self.tus_path())),
            "{location}"
        );
        location
    }

    fn tus_patch(
        &self,
        as_: &Api,
        url: &str,
        offset: usize,
        bytes: &[u8],
        checksum: Option<&str>,
    ) -> Resp {
        let offset = offset.to_string();
        let sum = checksum
            .map(str::to_owned)
            .unwrap_or_else(|| format!("sha256 {}", b64(&Sha256::digest(bytes))));
        as_.send(
            "PATCH",
            url,
            Some((bytes, OCTETS)),
            &[TUS, ("Upload-Offset", &offset), ("Upload-Checksum", &sum)],
        )
    }

    fn tus_offset(&self, url: &str) -> u64 {
        let r = self.inspector.send("HEAD", url, None, &[TUS]).expect(200);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        r.header("upload-offset")
            .and_then(|o| o.parse().ok())
            .expect("Upload-Offset")
    }

    /// The chunk objects an upload holds in the store.
    fn tus_chunks(&self, url: &str) -> Vec<String> {
        let id = url.rsplit('/').next().unwrap_or_default();
        self.server
            .files_under("blobs")
            .into_iter()
            .filter(|f| f.starts_with(&format!("uploads/{id}/")))
            .collect()
    }
}

fn tus_uploads(backend: Backend) {
    let server = server(backend);
    let w = world(&server);
    let visit = Visit::official(&server, &w);
    let (colleague, _) = user(&w.admin, &w.a.authority, "inspector");
    options_advertise_the_protocol(&visit);
    requests_without_tus_resumable_are_refused(&visit);
    an_upload_in_chunks_survives_bad_requests_and_a_cut(&visit, &colleague);
    a_whole_file_digest_mismatch_discards_the_upload(&visit);
    delete_terminates_an_upload(&visit);
    an_upload_over_the_limit_is_refused_at_creation(&visit);
}
both_backends!(tus, tus_uploads);

fn options_advertise_the_protocol(v: &Visit) {
    let r = v.server.api().send("OPTIONS", &v.tus_path(), None, &[]);
    assert_eq!(r.status, 204);
    assert_eq!(r.header("tus-version"), Some("1.0.0"));
    assert_eq!(r.header("tus-resumable"), Some("1.0.0"));
    let ext: Vec<&str> = r.header("tus-extension").unwrap_or("").split(',').collect();
    for e in ["creation", "checksum", "termination"] {
        assert!(ext.contains(&e), "{e} in {ext:?}");
    }
    assert_eq!(r.header("tus-checksum-algorithm"), Some("sha256"));
    assert_eq!(r.header("tus-max-size"), Some(LIMIT.to_string().as_str()));
}

fn requests_without_tus_resumable_are_refused(v: &Visit) {
    let r = v
        .inspector
        .send("POST", &v.tus_path(), None, &[("Upload-Length", "10")]);
    assert_eq!((r.status, r.code()), (412, "tus.version"), "{}", r.body);
    let url = v.tus_create(10, &[]);
    let r = v.inspector.send(
        "PATCH",
        &url,
        Some((b"0123456789", OCTETS)),
        &[("Upload-Offset", "0")],
    );
    assert_eq!((r.status, r.code()), (412, "tus.version"));
    assert_eq!(v.tus_offset(&url), 0);
}

fn an_upload_in_chunks_survives_bad_requests_and_a_cut(v: &Visit, colleague: &Api) {
    let bytes = noise(700_000, 20);
    let sha = sha256_hex(&bytes);
    let url = v.tus_create(
        bytes.len(),
        &[
            ("filename", "licence.pdf"),
            ("filetype", "application/pdf"),
            ("sha256", &sha),
        ],
    );
    assert_eq!(v.tus_offset(&url), 0);
    let step = 200_000;

    let r = v
        .tus_patch(&v.inspector, &url, 0, &bytes[..step], None)
        .expect(204);
    assert_eq!(r.header("upload-offset"), Some("200000"));
    assert_eq!(r.header("hecha-blob-sha256"), None);
    assert_eq!(v.tus_offset(&url), 200_000);

    // Bytes sent from the wrong offset.
    let r = v.tus_patch(&v.inspector, &url, 0, &bytes[..step], None);
    assert_eq!((r.status, r.code()), (409, "tus.offset_mismatch"));
    let r = v.tus_patch(
        &v.inspector,
        &url,
        2 * step,
        &bytes[2 * step..3 * step],
        None,
    );
    assert_eq!(r.status, 409);
    assert_eq!(v.tus_offset(&url), 200_000);

    // Bytes damaged on the way: the checksum is of other bytes.
    let wrong = format!("sha256 {}", b64(&Sha256::digest(b"other bytes")));
    let r = v.tus_patch(
        &v.inspector,
        &url,
        step,
        &bytes[step..2 * step],
        Some(&wrong),
    );
    assert_eq!(
        (r.status, r.code()),
        (460, "tus.checksum_mismatch"),
        "{}",
        r.body
    );
    assert_eq!(v.tus_offset(&url), 200_000);
    assert_eq!(v.tus_chunks(&url).len(), 1);

    // The network drops in the middle of a PATCH.
    let socket = raw::send_partial(
        &v.inspector,
        "PATCH",
        &url,
        &[TUS, ("Upload-Offset", "200000"), ("Content-Type", OCTETS)],
        step as u64,
        &bytes[step..step + 50_000],
    );
    v.wait_for_spooling();
    drop(socket);
    v.assert_spool_empty();
    assert_eq!(v.uploads_in_flight(), 0);
    assert_eq!(v.tus_chunks(&url).len(), 1);
    let offset = v.tus_offset(&url) as usize;
    assert_eq!(offset, 200_000, "a cut PATCH moves nothing");

    // Somebody else's upload is not there for a colleague.
    colleague.send("HEAD", &url, None, &[TUS]).expect(404);
    let r = v.tus_patch(colleague, &url, offset, &bytes[offset..offset + step], None);
    assert_eq!((r.status, r.code()), (404, "not_found"));
    colleague.send("DELETE", &url, None, &[TUS]).expect(404);

    // The phone resumes from the offset HEAD gave.
    let mut at = offset;
    let mut done = None;
    while at < bytes.len() {
        let end = (at + step).min(bytes.len());
        let r = v
            .tus_patch(&v.inspector, &url, at, &bytes[at..end], None)
            .expect(204);
        at = r.header("upload-offset").unwrap().parse().unwrap();
        assert_eq!(at, end);
        done = r.header("hecha-blob-sha256").map(str::to_owned);
    }
    assert_eq!(
        done.as_deref(),
        Some(sha.as_str()),
        "the last PATCH names the blob"
    );
    assert_eq!(v.tus_offset(&url), bytes.len() as u64);
    let head = v.inspector.send("HEAD", &url, None, &[TUS]);
    assert_eq!(head.header("hecha-blob-sha256"), Some(sha.as_str()));
    assert!(
        v.tus_chunks(&url).is_empty(),
        "chunks are dropped once joined"
    );
    assert!(v.server.blob_rows().contains(&sha));
    v.assert_spool_empty();
    // Finished: no more bytes.
    let r = v.tus_patch(&v.inspector, &url, bytes.len(), b"more", None);
    assert_eq!(r.status, 409);

    v.record_document("doc-tus", &sha, bytes.len()).expect(201);
    assert!(v.download(&sha).expect(200).bytes == bytes);
}

fn a_whole_file_digest_mismatch_discards_the_upload(v: &Visit) {
    let bytes = noise(300_000, 30);
    let announced = sha256_hex(b"the file the phone meant to send");
    let url = v.tus_create(bytes.len(), &[("sha256", &announced)]);
    v.tus_patch(&v.inspector, &url, 0, &bytes[..150_000], None)
        .expect(204);
    let r = v.tus_patch(&v.inspector, &url, 150_000, &bytes[150_000..], None);
    assert_eq!(
        (r.status, r.code()),
        (460, "tus.checksum_mismatch"),
        "{}",
        r.body
    );
    v.inspector.send("HEAD", &url, None, &[TUS]).expect(404);
    assert!(v.tus_chunks(&url).is_empty());
    v.assert_nothing_stored(&sha256_hex(&bytes));
}

fn delete_terminates_an_upload(v: &Visit) {
    let bytes = noise(100_000, 40);
    let url = v.tus_create(bytes.len(), &[]);
    v.tus_patch(&v.inspector, &url, 0, &bytes[..60_000], None)
        .expect(204);
    assert_eq!(v.tus_chunks(&url).len(), 1);
    let r = v.inspector.send("DELETE", &url, None, &[]);
    assert_eq!((r.status, r.code()), (412, "tus.version"));
    v.inspector.send("DELETE", &url, None, &[TUS]).expect(204);
    v.inspector.send("HEAD", &url, None, &[TUS]).expect(404);
    let r = v.tus_patch(&v.inspector, &url, 60_000, &bytes[60_000..], None);
    assert_eq!(r.status, 404);
    assert!(v.tus_chunks(&url).is_empty());
    v.assert_nothing_stored(&sha256_hex(&bytes));
}

fn an_upload_over_the_limit_is_refused_at_creation(v: &Visit) {
    let len = (LIMIT + 1).to_string();
    let r = v
        .inspector
        .send("POST", &v.tus_path(), None, &[TUS, ("Upload-Length", &len)]);
    assert_eq!((r.status, r.code()), (413, "upload.too_large"));
}

// ───────────────────────────── tuspy ─────────────────────────────

fn tuspy_uploads_a_file_in_chunks(backend: Backend) {
    if !hecha_tests::python_module_or_skip("tusclient", "tuspy", "tuspy_uploads_a_file_in_chunks") {
        return;
    }
    let server = server(backend);
    let w = world(&server);
    let visit = Visit::official(&server, &w);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("idc-license.pdf");
    let bytes = noise(3 * 1024 * 1024 + 12_345, 50);
    std::fs::write(&file, &bytes).unwrap();
    let script = hecha_tests::workspace_root().join("tests/scripts/tus_client.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(["--server", &server.base])
        .args(["--token", visit.inspector.token.as_deref().unwrap()])
        .args(["--inspection", &visit.inspection])
        .arg("--file")
        .arg(&file)
        .args(["--chunk-size", "262144"])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "tus_client.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    let sha = sha256_hex(&bytes);
    assert_eq!(report["sha256"], sha);
    assert_eq!(report["blob_sha256"], sha, "{report}");
    assert!(report["resumed_at"].as_u64().unwrap() > 0);
    assert_eq!(report["patches"], bytes.len().div_ceil(262_144));

    let view = visit
        .record_document("doc-tuspy", &sha, bytes.len())
        .expect(201)
        .body;
    assert_eq!(view["item"]["blob"]["sha256"], sha);
    let back = visit.download(&sha).expect(200);
    assert_eq!(back.header("content-type"), Some("application/pdf"));
    assert!(back.bytes == bytes, "tuspy's file comes back byte for byte");
    visit.assert_spool_empty();
}
both_backends!(tuspy, tuspy_uploads_a_file_in_chunks);
