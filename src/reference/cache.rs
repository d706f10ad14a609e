//! Parsed documents, kept in memory by version id.
//!
//! Stored versions never change (a label is never overwritten), so a parsed
//! document never goes stale and every node of a cluster may keep its own
//! copy. Parsing GitHub's 13 MB description takes a noticeable fraction of a
//! second; a page built from the parsed copy takes milliseconds. Concurrent
//! requests for a document that is not loaded yet wait for one parse.

use std::sync::{Arc, Mutex};

use anyhow::Context;
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::catalogue::repo;
use crate::db::Db;
use crate::openapi::operations::Index;
use crate::server::error::AppError;

/// A parsed document and its index of operations and tags.
#[derive(Debug)]
pub struct Document {
    pub version_id: i64,
    pub value: Value,
    pub index: Index,
    /// Length of the stored JSON text: what the cache budgets by.
    pub bytes: usize,
}

impl Document {
    pub fn parse(version_id: i64, text: &str) -> anyhow::Result<Self> {
        let value: Value = serde_json::from_str(text).context("the stored document is not JSON")?;
        let index = Index::of(&value);
        Ok(Self {
            version_id,
            value,
            index,
            bytes: text.len(),
        })
    }
}

type Slot = Arc<OnceCell<Arc<Document>>>;

/// The most recently used documents, within a count and a size budget.
#[derive(Clone)]
pub struct DocumentCache {
    slots: Arc<Mutex<Vec<(i64, Slot)>>>,
    max_documents: usize,
    max_bytes: usize,
}

impl Default for DocumentCache {
    fn default() -> Self {
        // About 128 MB of JSON text: GitHub's description and then some.
        Self::new(32, 128 << 20)
    }
}

impl DocumentCache {
    pub fn new(max_documents: usize, max_bytes: usize) -> Self {
        Self {
            slots: Arc::default(),
            max_documents,
            max_bytes,
        }
    }

    /// The parsed document of a stored version, loading it on first use.
    pub async fn get(&self, db: &Db, version_id: i64) -> Result<Arc<Document>, AppError> {
        let slot = self.slot(version_id);
        let document = slot
            .get_or_try_init(|| async {
                let text = repo::document_text(db.pool(), version_id)
                    .await?
                    .ok_or_else(|| {
                        AppError::NotFound("That version of the document no longer exists.".into())
                    })?;
                let parsed =
                    tokio::task::spawn_blocking(move || Document::parse(version_id, &text))
                        .await
                        .context("parsing a stored document")??;
                Ok::<_, AppError>(Arc::new(parsed))
            })
            .await?
            .clone();
        self.evict();
        Ok(document)
    }

    /// The slot of a version, moved to the front (most recently used).
    fn slot(&self, version_id: i64) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = match slots.iter().position(|(id, _)| *id == version_id) {
            Some(i) => slots.remove(i).1,
            None => Slot::default(),
        };
        slots.insert(0, (version_id, slot.clone()));
        slot
    }

    /// Drops the least recently used documents beyond the budget; the most
    /// recent one always stays.
    fn evict(&self) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let mut bytes = 0;
        let mut keep = slots.len();
        for (i, (_, slot)) in slots.iter().enumerate() {
            bytes += slot.get().map_or(0, |d| d.bytes);
            if i > 0 && (i >= self.max_documents || bytes > self.max_bytes) {
                keep = i;
                break;
            }
        }
        slots.truncate(keep);
    }

    /// How many documents are held (loaded or loading).
    pub fn len(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_within_budget() {
        let cache = DocumentCache::new(2, usize::MAX);
        for id in [1, 2, 3, 2] {
            let slot = cache.slot(id);
            let _ = slot.set(Arc::new(Document::parse(id, "{\"paths\": {}}").unwrap()));
            cache.evict();
        }
        let ids: Vec<i64> = cache
            .slots
            .lock()
            .unwrap()
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(ids, [2, 3]);

        let small = DocumentCache::new(10, 20);
        for id in [1, 2, 3] {
            let slot = small.slot(id);
            let _ = slot.set(Arc::new(
                Document::parse(id, "{\"paths\": {}, \"x\": 1}").unwrap(),
            ));
            small.evict();
        }
        assert_eq!(
            small.len(),
            1,
            "one 21-byte document fits, always the newest"
        );
    }
}
