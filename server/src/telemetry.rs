//! Logging: tracing to standard error, with full ID numbers masked in every line.
//!
//! Intake masks what users type, but a log line can still carry input: sea-orm logs SQL
//! statements with their parameters at debug level, a parser's error echoes what it could
//! not parse. [`MaskingWriter`] masks full ID numbers
//! ([`mask_full_ids`](hecha_core::capture::pii::mask_full_ids)) in everything written
//! through it, whatever the layer above; the fmt layer writes one event per call.

use std::io::Write;

use hecha_core::capture::pii::mask_full_ids;

/// A writer that masks full ID numbers in what passes through it.
pub struct MaskingWriter<W: Write>(pub W);

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(mask_full_ids(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Installs the process's subscriber: `HECHA_LOG` (an `EnvFilter`) or `default`, to
/// standard error through a [`MaskingWriter`].
pub fn init(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HECHA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| MaskingWriter(std::io::stderr()))
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ids_are_masked_digests_are_not() {
        let mut w = MaskingWriter(Vec::new());
        let digest = "1234567890123456789abcdef";
        write!(w, "INSERT … VALUES ('note 11010519491231002X', '{digest}')").unwrap();
        let out = String::from_utf8(w.0).unwrap();
        assert!(!out.contains("11010519491231002X"), "{out}");
        assert!(out.contains("110***********002X"));
        assert!(out.contains(digest));
    }
}
