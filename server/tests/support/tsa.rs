//! A local RFC 3161 time-stamping authority for tests, built on `openssl ts -reply`.
//!
//! [`Pki::generate`] makes, with `openssl` commands in a temporary directory, a test root
//! CA and several TSA certificates (no private key is ever committed):
//!
//! | signer        | key   | issued by                        | extendedKeyUsage           |
//! |---------------|-------|----------------------------------|----------------------------|
//! | `Genuine`     | P-256 | root                             | critical, timeStamping     |
//! | `Rsa`         | RSA   | root                             | critical, timeStamping     |
//! | `Forged`      | P-256 | a self-made root with root's name| critical, timeStamping     |
//! | `WrongEku`    | P-256 | root                             | critical, serverAuth       |
//! | `NonCritical` | P-256 | root                             | timeStamping, not critical |
//!
//! `openssl ts -reply` refuses to sign with the last two (it checks the EKU itself), so
//! their tokens are made with `openssl cms -sign` over a genuine TSTInfo.
//!
//! [`TestTsa::start`] serves one of them (or a misbehaving TSA) over HTTP/1.1 on
//! 127.0.0.1, on a free port, from a thread of the test process.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

/// Whose key signs the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    Genuine,
    Rsa,
    Forged,
    WrongEku,
    NonCritical,
}

impl Signer {
    fn name(self) -> &'static str {
        match self {
            Signer::Genuine => "tsa",
            Signer::Rsa => "rsa",
            Signer::Forged => "forged",
            Signer::WrongEku => "wrongeku",
            Signer::NonCritical => "noncritical",
        }
    }
}

/// The test PKI and the `openssl ts` configuration, in a temporary directory.
pub struct Pki {
    dir: tempfile::TempDir,
    /// `openssl ts -reply` reads and rewrites the serial file: one at a time.
    serial: std::sync::Mutex<()>,
}

const TSA_CNF: &str = r#"
[ tsa ]
default_tsa = sec_tsa

[ sec_tsa ]
dir = DIR
serial = $dir/serial
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
certs = $dir/root.crt
digests = sha256
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
accuracy = secs:1
tsa_name = yes
ess_cert_id_alg = sha256

[ sec_rsa ]
dir = DIR
serial = $dir/serial
signer_cert = $dir/rsa.crt
signer_key = $dir/rsa.key
digests = sha256
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
ess_cert_id_alg = sha256

[ sec_forged ]
dir = DIR
serial = $dir/serial
signer_cert = $dir/forged.crt
signer_key = $dir/forged.key
certs = $dir/forged-root.crt
digests = sha256
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
accuracy = secs:1
tsa_name = yes
ess_cert_id_alg = sha256

[ sec_reject ]
dir = DIR
serial = $dir/serial
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
digests = sha384
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1

[ ext_tsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ ext_wrongeku ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, serverAuth

[ ext_noncritical ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = timeStamping
"#;

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run openssl");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn openssl(dir: &Path) -> Command {
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir);
    cmd
}

impl Pki {
    /// Generates the root, the TSA certificates and the configuration.
    pub fn generate() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        std::fs::write(d.join("serial"), "01\n").expect("serial");
        let cnf = TSA_CNF.replace("DIR", d.to_str().expect("utf-8 temp path"));
        std::fs::write(d.join("tsa.cnf"), cnf).expect("config");

        let ec_key = |name: &str| {
            run(openssl(d).args([
                "ecparam",
                "-genkey",
                "-name",
                "prime256v1",
                "-noout",
                "-out",
                &format!("{name}.key"),
            ]));
        };
        let root = |name: &str| {
            ec_key(name);
            run(openssl(d).args([
                "req",
                "-new",
                "-x509",
                "-key",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.crt"),
                "-days",
                "36500",
                "-subj",
                "/CN=hecha test root/O=hecha tests",
                "-addext",
                "basicConstraints=critical,CA:true",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ]));
        };
        let issue = |name: &str, ca: &str, ext: &str, serial: &str| {
            run(openssl(d).args([
                "req",
                "-new",
                "-key",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                "/CN=hecha test TSA/O=hecha tests",
            ]));
            run(openssl(d).args([
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                &format!("{ca}.crt"),
                "-CAkey",
                &format!("{ca}.key"),
                "-set_serial",
                serial,
                "-days",
                "36500",
                "-extfile",
                "tsa.cnf",
                "-extensions",
                ext,
                "-out",
                &format!("{name}.crt"),
            ]));
        };
        root("root");
        root("forged-root");
        ec_key("tsa");
        issue("tsa", "root", "ext_tsa", "0x1001");
        ec_key("forged");
        issue("forged", "forged-root", "ext_tsa", "0x1001");
        ec_key("wrongeku");
        issue("wrongeku", "root", "ext_wrongeku", "0x1002");
        ec_key("noncritical");
        issue("noncritical", "root", "ext_noncritical", "0x1003");
        run(openssl(d).args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa.key",
        ]));
        issue("rsa", "root", "ext_tsa", "0x1004");
        Pki {
            dir,
            serial: std::sync::Mutex::new(()),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A certificate (`tsa`, `root`, `forged`, …) in DER.
    pub fn cert_der(&self, name: &str) -> Vec<u8> {
        run(openssl(self.dir.path()).args([
            "x509",
            "-in",
            &format!("{name}.crt"),
            "-outform",
            "DER",
        ]))
    }

    /// A certificate in PEM, as written by openssl.
    pub fn cert_pem(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(&format!("{name}.crt"))).expect("read cert")
    }

    /// `openssl ts -reply` for a DER `TimeStampReq`: the whole `TimeStampResp`.
    /// `section` is `tsa`, `rsa`, `forged` or `reject` (refuses SHA-256 imprints).
    pub fn ts_reply(&self, section: &str, query: &[u8]) -> Vec<u8> {
        let tmp = tempfile::tempdir_in(self.dir.path()).expect("temp dir");
        let q = tmp.path().join("query.tsq");
        let r = tmp.path().join("reply.tsr");
        std::fs::write(&q, query).expect("write query");
        let _serial = self.serial.lock().unwrap_or_else(|e| e.into_inner());
        run(openssl(self.dir.path()).args([
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-section",
            &format!("sec_{section}"),
            "-queryfile",
            q.to_str().expect("utf-8"),
            "-out",
            r.to_str().expect("utf-8"),
        ]));
        std::fs::read(&r).expect("read reply")
    }

    /// A `TimeStampResp` from `signer` for `query`.
    pub fn reply(&self, signer: Signer, query: &[u8]) -> Vec<u8> {
        match signer {
            Signer::Genuine | Signer::Rsa | Signer::Forged => self.ts_reply(signer.name(), query),
            Signer::WrongEku | Signer::NonCritical => {
                let genuine = self.ts_reply("tsa", query);
                let tst = self.tst_info(&token_of(&genuine));
                granted(&self.cms_sign(signer.name(), &tst))
            }
        }
    }

    /// The encapsulated TSTInfo of a token (signature checked, certificates not).
    pub fn tst_info(&self, token: &[u8]) -> Vec<u8> {
        let tmp = tempfile::tempdir_in(self.dir.path()).expect("temp dir");
        let t = tmp.path().join("token.der");
        std::fs::write(&t, token).expect("write token");
        run(openssl(self.dir.path()).args([
            "cms",
            "-verify",
            "-noverify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            t.to_str().expect("utf-8"),
        ]))
    }

    /// A SignedData over `tst` (eContentType id-ct-TSTInfo) signed by the `name` key,
    /// with `openssl cms -sign` (which does not check the EKU).
    pub fn cms_sign(&self, name: &str, tst: &[u8]) -> Vec<u8> {
        let tmp = tempfile::tempdir_in(self.dir.path()).expect("temp dir");
        let i = tmp.path().join("tst.der");
        std::fs::write(&i, tst).expect("write tst");
        run(openssl(self.dir.path()).args([
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-nosmimecap",
            "-md",
            "sha256",
            "-econtent_type",
            "1.2.840.113549.1.9.16.1.4",
            "-signer",
            &format!("{name}.crt"),
            "-inkey",
            &format!("{name}.key"),
            "-outform",
            "DER",
            "-in",
            i.to_str().expect("utf-8"),
        ]))
    }
}

// ───────────────────────────── minimal DER helpers ─────────────────────────────

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

/// `(header length, content length)` of the DER element at the start of `der`.
fn der_header(der: &[u8]) -> (usize, usize) {
    let first = der[1];
    if first < 0x80 {
        (2, first as usize)
    } else {
        let n = (first & 0x7f) as usize;
        let len = der[2..2 + n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (2 + n, len)
    }
}

/// The token (second element) of a granted `TimeStampResp`.
pub fn token_of(response: &[u8]) -> Vec<u8> {
    let (h, _) = der_header(response);
    let status = &response[h..];
    let (sh, sl) = der_header(status);
    let token = &status[sh + sl..];
    let (th, tl) = der_header(token);
    token[..th + tl].to_vec()
}

/// `TimeStampResp { status { granted }, token }`.
pub fn granted(token: &[u8]) -> Vec<u8> {
    let mut body = vec![0x30, 0x03, 0x02, 0x01, 0x00];
    body.extend_from_slice(token);
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

// ───────────────────────────── HTTP ─────────────────────────────

/// How the test TSA answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// A token from this signer.
    Sign(Signer),
    /// `openssl ts -reply` refusing the request (status rejection, failInfo badAlg).
    Reject,
    /// HTTP 200 with bytes that are no `TimeStampResp`.
    Garbage,
    /// Accepts the connection, reads the request, closes without answering.
    Close,
    /// Reads the request and never answers (for timeouts).
    Hang,
    /// HTTP 500 with a text body.
    ServerError,
    /// A genuine token, but for another digest than the one asked.
    OtherDigest,
}

/// A TSA serving HTTP/1.1 on 127.0.0.1 until the test process ends.
pub struct TestTsa {
    pub url: String,
}

impl TestTsa {
    /// Starts a TSA with its own PKI.
    pub fn start(pki: std::sync::Arc<Pki>, behaviour: Behaviour) -> TestTsa {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                // One connection at a time: `openssl ts` shares its serial file.
                let _ = serve(&pki, behaviour, stream);
            }
        });
        TestTsa {
            url: format!("http://{addr}/tsa"),
        }
    }
}

fn serve(pki: &Pki, behaviour: Behaviour, mut stream: TcpStream) -> std::io::Result<()> {
    let query = read_request(&mut stream)?;
    let (status, content_type, body): (&str, &str, Vec<u8>) = match behaviour {
        Behaviour::Sign(signer) => (
            "200 OK",
            "application/timestamp-reply",
            pki.reply(signer, &query),
        ),
        Behaviour::Reject => (
            "200 OK",
            "application/timestamp-reply",
            pki.ts_reply("reject", &query),
        ),
        Behaviour::Garbage => (
            "200 OK",
            "application/timestamp-reply",
            b"\x30\x82\xff\xffthis is not a TimeStampResp".to_vec(),
        ),
        Behaviour::Close => return Ok(()),
        Behaviour::Hang => {
            thread::sleep(std::time::Duration::from_secs(10));
            return Ok(());
        }
        Behaviour::ServerError => (
            "500 Internal Server Error",
            "text/plain",
            b"TSA signing module offline".to_vec(),
        ),
        Behaviour::OtherDigest => {
            let other = other_digest_query();
            (
                "200 OK",
                "application/timestamp-reply",
                pki.ts_reply("tsa", &other),
            )
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

/// A TimeStampReq (no nonce, certReq) for SHA-256("another manifest").
fn other_digest_query() -> Vec<u8> {
    let digest = hecha_core::seal::hash::sha256(b"another manifest");
    let mut imprint = vec![
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    imprint.extend_from_slice(&digest);
    let mut body = vec![0x02, 0x01, 0x01];
    body.extend(imprint);
    body.extend([0x01, 0x01, 0xff]);
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    Ok(body)
}
