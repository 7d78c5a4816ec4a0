//! Streaming SHA-256, lowercase hex: of bytes, of a reader, of a file, and wrappers that
//! hash what passes through a `Read` or a `Write` (an upload stored while it is hashed).
//! Files are never read whole into memory.

use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Buffer size of the streaming helpers.
const CHUNK: usize = 64 * 1024;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Parses a lowercase (or uppercase) hex SHA-256; `None` unless it is exactly 32 bytes.
pub fn parse_sha256_hex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Whether `text` is a lowercase hex SHA-256 (the only form the bundle writes).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lowercase hex SHA-256 and length of everything `reader` yields.
pub fn sha256_reader<R: Read>(reader: R) -> io::Result<(String, u64)> {
    let mut hashing = HashingReader::new(reader);
    io::copy(&mut hashing, &mut io::sink())?;
    Ok(hashing.finish())
}

/// Lowercase hex SHA-256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let file = std::fs::File::open(path)?;
    sha256_reader(io::BufReader::with_capacity(CHUNK, file))
}

/// A `Read` that hashes the bytes it hands out.
#[derive(Debug)]
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    len: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// Hex SHA-256 and count of the bytes read so far.
    pub fn finish(self) -> (String, u64) {
        (hex::encode(self.hasher.finalize()), self.len)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// A `Write` that hashes the bytes it passes on (only those the inner writer accepted).
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// The inner writer, the hex SHA-256 and the count of the bytes written.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hasher.finalize()), self.len)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn fips_180_vectors() {
        assert_eq!(sha256_hex(b""), EMPTY);
        assert_eq!(sha256_hex(b"abc"), ABC);
        assert_eq!(sha256_reader(&b"abc"[..]).unwrap(), (ABC.to_owned(), 3));
    }

    #[test]
    fn a_file_is_hashed_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let bytes: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            hash_file(&path).unwrap(),
            (sha256_hex(&bytes), bytes.len() as u64)
        );
    }

    #[test]
    fn hex_parsing_is_strict() {
        assert_eq!(parse_sha256_hex(ABC).map(hex::encode).as_deref(), Some(ABC));
        assert!(parse_sha256_hex(&ABC[..62]).is_none());
        assert!(is_sha256_hex(ABC));
        assert!(!is_sha256_hex(&ABC.to_uppercase()));
    }

    proptest! {
        #[test]
        fn wrappers_hash_what_passes(bytes in prop::collection::vec(any::<u8>(), 0..5000)) {
            let mut w = HashingWriter::new(Vec::new());
            for chunk in bytes.chunks(7) {
                w.write_all(chunk).unwrap();
            }
            let (out, hex, len) = w.finish();
            prop_assert_eq!(&out, &bytes);
            prop_assert_eq!(&hex, &sha256_hex(&bytes));
            prop_assert_eq!(len, bytes.len() as u64);
            let mut r = HashingReader::new(&bytes[..]);
            let mut back = Vec::new();
            r.read_to_end(&mut back).unwrap();
            prop_assert_eq!(r.finish(), (hex, len));
        }
    }
}
