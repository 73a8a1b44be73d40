//! Uploaded files on their way in: each is written to a temporary file as it arrives (a chunk at
//! a time), checked from there and streamed into the file store, so a burst of large uploads
//! does not sit in memory. What must be in memory at once — a PDF being counted, a part being
//! sent to the store — takes its size from one process-wide [`UploadBudget`] first.

use std::io::{Read, Seek};
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{FileError, FileStore};

/// Bytes kept to recognise a file by its content (`kind::FileKind::detect` reads 1 KiB).
const HEAD_BYTES: usize = 1024;

/// The part size a spooled file is sent to the store in (S3's smallest part is 5 MiB).
pub const PART_BYTES: usize = 5 * 1024 * 1024;

/// A file being received.
pub struct SpoolWriter {
    temp: tempfile::NamedTempFile,
    out: tokio::fs::File,
    size: u64,
    head: Vec<u8>,
}

/// A file received whole, on disk until it is dropped.
pub struct Spooled {
    temp: tempfile::NamedTempFile,
    size: u64,
    head: Vec<u8>,
}

impl SpoolWriter {
    /// A new temporary file (in the system's temporary directory, readable by this user only).
    pub fn new() -> std::io::Result<Self> {
        let temp = tempfile::NamedTempFile::new()?;
        let out = tokio::fs::File::from_std(temp.as_file().try_clone()?);
        Ok(SpoolWriter {
            temp,
            out,
            size: 0,
            head: Vec::new(),
        })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.out.write_all(chunk).await?;
        self.size += chunk.len() as u64;
        Ok(())
    }

    pub async fn finish(mut self) -> std::io::Result<Spooled> {
        // Flushed, not synced: the file is read back through the same inode and then deleted, so
        // the page cache is all it needs.
        self.out.flush().await?;
        Ok(Spooled {
            temp: self.temp,
            size: self.size,
            head: self.head,
        })
    }
}

impl Spooled {
    /// A file already in memory, spooled like a received one (for tests).
    #[cfg(test)]
    pub async fn from_bytes(bytes: &[u8]) -> std::io::Result<Self> {
        let mut writer = SpoolWriter::new()?;
        writer.write(bytes).await?;
        writer.finish().await
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes, to recognise the file by.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The whole file (for a caller holding budget for [`Spooled::size`] bytes).
    pub fn read_all(&self) -> std::io::Result<Vec<u8>> {
        let mut file = self.temp.reopen()?;
        file.rewind()?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// The bytes of uploads held in memory at once, across the process (`upload_buffer_bytes`).
#[derive(Clone)]
pub struct UploadBudget {
    bytes: Arc<Semaphore>,
    capacity: usize,
}

impl UploadBudget {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.clamp(PART_BYTES, Semaphore::MAX_PERMITS);
        UploadBudget {
            bytes: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    /// Waits until `bytes` (at most the whole budget) may be held; released on drop.
    pub async fn reserve(&self, bytes: u64) -> OwnedSemaphorePermit {
        let wanted = usize::try_from(bytes)
            .unwrap_or(self.capacity)
            .clamp(1, self.capacity);
        let permits = u32::try_from(wanted).unwrap_or(u32::MAX);
        self.bytes
            .clone()
            .acquire_many_owned(permits)
            .await
            .expect("the upload budget's semaphore is never closed")
    }

    /// Bytes free now (for tests).
    #[cfg(test)]
    pub fn available(&self) -> usize {
        self.bytes.available_permits()
    }
}

impl FileStore {
    /// Stores a spooled file under `key`, a part at a time: a small file in one request, a large
    /// one as a multipart upload, each part holding budget while it is in memory.
    pub async fn put_spooled(
        &self,
        key: &str,
        file: &Spooled,
        budget: &UploadBudget,
    ) -> Result<(), FileError> {
        use object_store::path::Path;
        use object_store::{ObjectStoreExt, PutPayload, WriteMultipart};
        let path = Path::parse(key)?;
        let io = |e: std::io::Error| FileError::Setup(format!("reading an upload: {e}"));
        if file.size() as usize <= PART_BYTES {
            let _held = budget.reserve(file.size()).await;
            let bytes = file.read_all().map_err(io)?;
            self.inner.put(&path, PutPayload::from(bytes)).await?;
            return Ok(());
        }
        let upload = self.inner.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut source = file.temp.reopen().map_err(io)?;
        // Two parts in memory at most: the one being filled and the one being sent.
        let _held = budget.reserve(2 * PART_BYTES as u64).await;
        let mut buffer = vec![0u8; 256 * 1024];
        let outcome: Result<(), FileError> = async {
            loop {
                let read = source.read(&mut buffer).map_err(io)?;
                if read == 0 {
                    break;
                }
                writer.wait_for_capacity(1).await?;
                writer.write(&buffer[..read]);
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.finish().await?;
                Ok(())
            }
            Err(error) => {
                writer.abort().await.ok();
                Err(error)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_spooled_file_reaches_the_store_whole_small_or_large() {
        let budget = UploadBudget::new(16 * 1024 * 1024);
        let store = FileStore::memory();
        for size in [10, PART_BYTES + 12_345, 3 * PART_BYTES + 1] {
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let spooled = Spooled::from_bytes(&bytes).await.unwrap();
            assert_eq!(spooled.size(), size as u64);
            assert_eq!(spooled.head(), &bytes[..bytes.len().min(HEAD_BYTES)]);
            store
                .put_spooled(&format!("t/{size}"), &spooled, &budget)
                .await
                .unwrap();
            assert_eq!(store.get(&format!("t/{size}")).await.unwrap(), Some(bytes));
        }
        assert_eq!(budget.available(), 16 * 1024 * 1024, "all budget returned");
    }

    #[tokio::test]
    async fn the_budget_holds_back_what_does_not_fit() {
        let budget = UploadBudget::new(PART_BYTES);
        let first = budget.reserve(PART_BYTES as u64).await;
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move {
                let _second = budget.reserve(10).await;
            }
        });
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "a reservation waits while the budget is spent"
        );
        drop(first);
        waiting.await.unwrap();
        // More than the whole budget is capped at the whole budget (never waits forever).
        drop(budget.reserve(u64::MAX).await);
    }
}
