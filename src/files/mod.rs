//! Files: uploads, verification outputs and exports, kept through the `object_store` crate — a
//! local directory by default (`files_dir`), any S3-compatible store by configuration
//! (`[files_s3]`), so several API machines can share one store. `kind` recognises what a file
//! is from its bytes and counts a PDF's pages. Files are served by the API only to their tenant
//! or through signed, expiring links (`app::links::Links`).

pub mod kind;
pub mod spool;

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// An S3-compatible bucket (AWS, MinIO, Ceph …).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    #[serde(default)]
    pub region: Option<String>,
    /// For stores other than AWS: `https://minio.internal:9000`.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<Secret<String>>,
    /// Allow a plain-http endpoint (a store on the local network).
    #[serde(default)]
    pub allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file store: {0}")]
    Store(#[from] object_store::Error),
    #[error("file store path: {0}")]
    Path(#[from] object_store::path::Error),
    #[error("file store set-up: {0}")]
    Setup(String),
}

/// A file's bytes as they arrive from the store.
pub type ByteStream =
    futures::stream::BoxStream<'static, Result<bytes::Bytes, object_store::Error>>;

/// A file's content as it is served: bytes already in memory (a row that still holds them, a
/// fresh render) or a stream from the store.
pub enum Content {
    Bytes(Vec<u8>),
    Stream { size: u64, stream: ByteStream },
}

impl Content {
    /// The whole content in memory (for a caller that must embed it).
    pub async fn into_bytes(self) -> Result<Vec<u8>, FileError> {
        use futures::TryStreamExt;
        match self {
            Content::Bytes(bytes) => Ok(bytes),
            Content::Stream { size, stream } => {
                let mut all = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                let chunks: Vec<bytes::Bytes> = stream.try_collect().await?;
                for chunk in chunks {
                    all.extend_from_slice(&chunk);
                }
                Ok(all)
            }
        }
    }
}

/// The SHA-256 of `bytes`, in hex: the name of a content-addressed file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The file store every process of an installation shares. Cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.inner)
    }
}

impl FileStore {
    /// A local directory (created if missing).
    pub fn local(dir: &str) -> Result<Self, FileError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| FileError::Setup(format!("creating {dir}: {e}")))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(FileStore {
            inner: Arc::new(store),
        })
    }

    /// An S3-compatible bucket.
    pub fn s3(config: &S3Config) -> Result<Self, FileError> {
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(&config.bucket)
            .with_allow_http(config.allow_http);
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = &config.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        Ok(FileStore {
            inner: Arc::new(builder.build()?),
        })
    }

    /// In memory (tests, tools).
    pub fn memory() -> Self {
        FileStore {
            inner: Arc::new(object_store::memory::InMemory::new()),
        }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        self.inner
            .put(&Path::parse(key)?, PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The file's bytes; `None` when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FileError> {
        match self.inner.get(&Path::parse(key)?).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The file's size and its bytes as a stream, for serving it without holding it whole in
    /// memory; `None` when there is no such file.
    pub async fn open(&self, key: &str) -> Result<Option<(u64, ByteStream)>, FileError> {
        match self.inner.get(&Path::parse(key)?).await {
            Ok(found) => Ok(Some((found.meta.size, found.into_stream()))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, FileError> {
        match self.inner.head(&Path::parse(key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::local(dir.path().join("files").to_str().unwrap()).unwrap();
        assert_eq!(store.get("uploads/o/a.png").await.unwrap(), None);
        store.put("uploads/o/a.png", vec![1, 2, 3]).await.unwrap();
        assert_eq!(
            store.get("uploads/o/a.png").await.unwrap(),
            Some(vec![1, 2, 3])
        );
        assert!(store.exists("uploads/o/a.png").await.unwrap());
        assert!(dir.path().join("files/uploads/o/a.png").exists());
        let (size, stream) = store.open("uploads/o/a.png").await.unwrap().unwrap();
        assert_eq!(size, 3);
        use futures::TryStreamExt;
        let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
        assert_eq!(chunks.concat(), vec![1, 2, 3]);
        assert!(store.open("uploads/o/b.png").await.unwrap().is_none());
    }
}
