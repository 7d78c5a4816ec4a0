//! The local-directory blob store (the embedded default): one file per key under a root
//! directory, written to a temporary file, fsynced, then renamed into place.

use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::{BlobStore, ByteStream, ObjectInfo, Retention, StoreError};

pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// Opens (creating it when missing) the store rooted at `root`.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        crate::private_fs::private_dir(root)?;
        Ok(LocalStore {
            root: root.to_owned(),
        })
    }

    fn path(&self, key: &str) -> Result<PathBuf, StoreError> {
        let rel = Path::new(key);
        if key.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(StoreError::Refused(format!("invalid key {key:?}")));
        }
        Ok(self.root.join(rel))
    }

    /// Moves a finished temporary file into place durably.
    async fn commit(tmp: tempfile::TempPath, dest: &Path) -> Result<(), StoreError> {
        let dest = dest.to_owned();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::File::open(&tmp)?.sync_all()?;
            tmp.persist(&dest).map_err(|e| e.error)?;
            if let Some(dir) = dest.parent() {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        Ok(())
    }

    /// A failure because the root itself is gone (an unmounted volume, a path that is no
    /// longer a directory) is the store being unavailable (503, retry), not a missing
    /// object or an internal error.
    async fn or_unavailable<T>(&self, r: Result<T, StoreError>) -> Result<T, StoreError> {
        match r {
            Err(e @ (StoreError::Io(_) | StoreError::NotFound(_))) => {
                self.check().await?;
                Err(e)
            }
            r => r,
        }
    }

    fn temp_in(dest: &Path) -> Result<tempfile::TempPath, StoreError> {
        let dir = dest
            .parent()
            .ok_or_else(|| StoreError::Refused("key has no parent".into()))?;
        crate::private_fs::private_dir(dir)?;
        Ok(tempfile::Builder::new()
            .prefix(".partial-")
            .tempfile_in(dir)?
            .into_temp_path())
    }
}

#[async_trait]
impl BlobStore for LocalStore {
    fn describe(&self) -> String {
        format!("local directory {}", self.root.display())
    }

    async fn put_file(
        &self,
        key: &str,
        path: &Path,
        _size: u64,
        _sha256: &str,
        _content_type: &str,
    ) -> Result<(), StoreError> {
        let dest = self.path(key)?;
        let written = async {
            let tmp = Self::temp_in(&dest)?;
            tokio::fs::copy(path, &tmp).await?;
            Self::commit(tmp, &dest).await
        };
        self.or_unavailable(written.await).await
    }

    async fn put_stream(
        &self,
        key: &str,
        mut body: ByteStream,
        size: u64,
        _sha256: &str,
        _content_type: &str,
    ) -> Result<(), StoreError> {
        let dest = self.path(key)?;
        let written = async {
            let tmp = Self::temp_in(&dest)?;
            let file = tokio::fs::File::create(&tmp).await?;
            let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);
            let mut received = 0u64;
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                received += chunk.len() as u64;
                file.write_all(&chunk).await?;
            }
            if received != size {
                return Err(StoreError::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{size} bytes announced for {key}, {received} received"),
                )));
            }
            file.flush().await?;
            drop(file);
            Self::commit(tmp, &dest).await
        };
        self.or_unavailable(written.await).await
    }

    async fn put_bytes(
        &self,
        key: &str,
        bytes: Vec<u8>,
        _content_type: &str,
        _retention: Option<Retention>,
    ) -> Result<(), StoreError> {
        let dest = self.path(key)?;
        let written = async {
            let tmp = Self::temp_in(&dest)?;
            let mut f = tokio::fs::File::create(&tmp).await?;
            f.write_all(&bytes).await?;
            f.flush().await?;
            drop(f);
            Self::commit(tmp, &dest).await
        };
        self.or_unavailable(written.await).await
    }

    async fn get_bytes(&self, key: &str, limit: u64) -> Result<Vec<u8>, StoreError> {
        let path = self.path(key)?;
        let read = async {
            let meta = tokio::fs::metadata(&path)
                .await
                .map_err(|e| not_found(e, key))?;
            if meta.len() > limit {
                return Err(StoreError::Refused(format!(
                    "object {key} is {} bytes, more than {limit}",
                    meta.len()
                )));
            }
            tokio::fs::read(&path).await.map_err(|e| not_found(e, key))
        };
        self.or_unavailable(read.await).await
    }

    async fn get_stream(&self, key: &str) -> Result<ByteStream, StoreError> {
        let path = self.path(key)?;
        let opened = tokio::fs::File::open(&path)
            .await
            .map_err(|e| not_found(e, key));
        Ok(file_stream(self.or_unavailable(opened).await?))
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let removed = match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        };
        self.or_unavailable(removed).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StoreError> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        let listed = tokio::task::spawn_blocking(move || -> Result<Vec<ObjectInfo>, StoreError> {
            let mut out = Vec::new();
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e.into()),
                };
                for entry in entries {
                    let entry = entry?;
                    let meta = entry.metadata()?;
                    let path = entry.path();
                    if meta.is_dir() {
                        stack.push(path);
                        continue;
                    }
                    let Ok(rel) = path.strip_prefix(&root) else {
                        continue;
                    };
                    let key = rel
                        .components()
                        .filter_map(|c| c.as_os_str().to_str())
                        .collect::<Vec<_>>()
                        .join("/");
                    let name = entry.file_name();
                    if name.to_string_lossy().starts_with(".partial-") || !key.starts_with(&prefix)
                    {
                        continue;
                    }
                    out.push(ObjectInfo {
                        key,
                        size: meta.len(),
                        modified: meta.modified().ok().map(DateTime::<Utc>::from),
                    });
                }
            }
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        self.or_unavailable(listed).await
    }

    async fn check(&self) -> Result<(), StoreError> {
        let meta = tokio::fs::metadata(&self.root)
            .await
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", self.root.display())))?;
        if !meta.is_dir() {
            return Err(StoreError::Unavailable(format!(
                "{} is not a directory",
                self.root.display()
            )));
        }
        if meta.permissions().readonly() {
            return Err(StoreError::Unavailable(format!(
                "{} is read-only",
                self.root.display()
            )));
        }
        Ok(())
    }
}

fn not_found(e: std::io::Error, key: &str) -> StoreError {
    if e.kind() == std::io::ErrorKind::NotFound {
        StoreError::NotFound(key.to_owned())
    } else {
        StoreError::Io(e)
    }
}

/// A file as a stream of 64 KiB chunks.
pub fn file_stream(file: tokio::fs::File) -> ByteStream {
    Box::pin(file_chunks(file).map(|r| r.map_err(StoreError::Io)))
}

fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(Some(file), |state| async move {
        let mut file = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(bytes::Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}
