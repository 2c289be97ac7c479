//! The file store of projects' photos and documents, through `object_store`: a folder on this
//! machine (`file://`) or an S3-compatible bucket (`s3://`), chosen by `[storage] url`. Keys are
//! plain paths (`projects/{project}/{file}`); what a key holds is recorded in the database.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use secrecy::ExposeSecret;

use crate::config::StorageSettings;
use crate::error::AppError;

/// How many parts of one upload may be on their way to the store at once; with the part size
/// (5 MiB), this bounds the memory one document upload holds.
const UPLOAD_CONCURRENCY: usize = 2;

/// Where files are kept; cheap to clone and shared by every request.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// The store as the log may name it (no credentials).
    description: String,
}

/// A stored object as read back: its bytes as they come, and its size.
pub struct StoredObject {
    pub size: u64,
    pub body: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

impl FileStore {
    /// Opens the store `settings.url` names; a local folder is created when missing.
    pub fn open(settings: &StorageSettings) -> anyhow::Result<Self> {
        if let Some(folder) = settings.url.strip_prefix("file://") {
            anyhow::ensure!(!folder.is_empty(), "storage.url names no folder");
            std::fs::create_dir_all(folder)
                .map_err(|e| anyhow::anyhow!("storage.url: cannot create {folder}: {e}"))?;
            let store = LocalFileSystem::new_with_prefix(folder)?.with_automatic_cleanup(true);
            return Ok(FileStore {
                store: Arc::new(store),
                description: format!("folder {folder}"),
            });
        }
        let Some(location) = settings.url.strip_prefix("s3://") else {
            anyhow::bail!("storage.url must be file://FOLDER or s3://BUCKET[/PREFIX]");
        };
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        anyhow::ensure!(!bucket.is_empty(), "storage.url names no bucket");
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if !settings.s3_endpoint.is_empty() {
            builder = builder
                .with_endpoint(&settings.s3_endpoint)
                .with_allow_http(settings.s3_endpoint.starts_with("http://"));
        }
        if !settings.s3_region.is_empty() {
            builder = builder.with_region(&settings.s3_region);
        }
        if !settings.s3_access_key_id.is_empty() {
            builder = builder.with_access_key_id(&settings.s3_access_key_id);
        }
        let secret = settings.s3_secret_access_key.expose_secret();
        if !secret.is_empty() {
            builder = builder.with_secret_access_key(secret);
        }
        let s3 = builder.build()?;
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, prefix))
        };
        Ok(FileStore {
            store,
            description: format!("bucket {bucket} prefix {prefix:?}"),
        })
    }

    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Stores a small object (a photo, a thumbnail) in one request.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), AppError> {
        self.store
            .put(&Path::from(key), bytes.into())
            .await
            .map(drop)
            .map_err(unavailable)
    }

    /// Starts an upload written part by part (a document streamed in).
    pub async fn upload(&self, key: &str) -> Result<Upload, AppError> {
        let upload = self
            .store
            .put_multipart(&Path::from(key))
            .await
            .map_err(unavailable)?;
        Ok(Upload {
            writer: WriteMultipart::new(upload),
        })
    }

    /// The object at `key`, streamed.
    pub async fn get(&self, key: &str) -> Result<StoredObject, AppError> {
        let found = self
            .store
            .get(&Path::from(key))
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => AppError::not_found("file"),
                e => unavailable(e),
            })?;
        let size = found.meta.size;
        let body = found
            .into_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other))
            .boxed();
        Ok(StoredObject { size, body })
    }

    /// Removes the object at `key`; one already gone is no error.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Removes objects no answer waits on: those of an upload that failed with an error of its
    /// own, or of a file whose row is gone. What cannot be removed is logged with its key.
    pub async fn discard(&self, keys: &[&str]) {
        for key in keys {
            if let Err(e) = self.delete(key).await {
                tracing::warn!(key, error = %e, "could not remove an object of the file store");
            }
        }
    }
}

/// An object being written part by part: finished, or aborted so that nothing of it stays.
pub struct Upload {
    writer: WriteMultipart,
}

impl Upload {
    /// Adds `chunk`, waiting while too many parts are still on their way.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.writer
            .wait_for_capacity(UPLOAD_CONCURRENCY)
            .await
            .map_err(unavailable)?;
        self.writer.write(chunk);
        Ok(())
    }

    pub async fn finish(self) -> Result<(), AppError> {
        self.writer.finish().await.map(drop).map_err(unavailable)
    }

    /// Gives the upload up; the parts written so far are removed.
    pub async fn abort(self) {
        if let Err(e) = self.writer.abort().await {
            tracing::warn!(error = %e, "could not abort an upload to the file store");
        }
    }
}

fn unavailable(e: object_store::Error) -> AppError {
    AppError::Unavailable(anyhow::Error::new(e).context("the file store"))
}
