//! The gateway's in-memory view of who may call what: keys by the SHA-256
//! of their secret, and approved subscriptions with their plan's limits.
//! Loaded at start; changed only by [`super::changes`], which reloads the
//! affected rows after the portal commits. The request path reads it under
//! a read lock held for one hash lookup, and never awaits the database.

use super::FastMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::access::grants::{self, GrantFilter, StoredGrant};
use crate::db::Db;
use crate::keys::repo::{self as keys, GatewayKey};

/// Keys revoked or expired longer ago than this are not held: they get the
/// 401 of an unknown key instead of one that names why.
const FORGET_AFTER_DAYS: i64 = 30;

/// A plan's limits; `None`: no limit of that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Limits {
    pub per_second: Option<u32>,
    pub per_minute: Option<u32>,
    pub per_day: Option<u64>,
    pub per_month: Option<u64>,
}

/// An approved subscription of an application to an API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub subscription_id: i64,
    pub plan_id: i64,
    /// The plan's slug, for the upstream's identity token.
    pub plan: Arc<str>,
    pub limits: Limits,
}

/// A key the gateway knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyEntry {
    pub key_id: i64,
    pub app_id: i64,
    pub owner_user_id: i64,
    /// Unix seconds; past it the key no longer works (also the end of a
    /// rotation's grace period).
    pub expires_at: Option<i64>,
    pub revoked: bool,
}

/// What a presented key's hash is worth now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLookup {
    Valid(KeyEntry),
    Unknown,
    Revoked,
    Expired,
}

#[derive(Default)]
struct Maps {
    keys: FastMap<[u8; 32], KeyEntry>,
    app_keys: FastMap<i64, Vec<[u8; 32]>>,
    grants: FastMap<(i64, i64), Arc<Grant>>,
}

/// Whether the snapshot matches the database: it may not after a change
/// failed to apply, or while a cluster node has lost the change feed.
#[derive(Default)]
struct Sync {
    /// When the snapshot was last read whole, in Unix seconds.
    loaded_at: AtomicI64,
    /// Since when it may have missed changes, in Unix seconds; 0: it has not.
    stale_since: AtomicI64,
}

/// The shared snapshot; clones share it.
#[derive(Clone, Default)]
pub struct Snapshot {
    maps: Arc<RwLock<Maps>>,
    sync: Arc<Sync>,
}

impl Snapshot {
    fn read(&self) -> RwLockReadGuard<'_, Maps> {
        self.maps
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Maps> {
        self.maps
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Loads every key and approved subscription.
    pub async fn load(db: &Db, now: OffsetDateTime) -> anyhow::Result<Self> {
        let snapshot = Self::default();
        snapshot.reload_keys(db, None, now).await?;
        snapshot.reload_grants(db, GrantFilter::All).await?;
        snapshot.mark_loaded(now);
        Ok(snapshot)
    }

    /// The snapshot was just read whole: it matches the database.
    pub fn mark_loaded(&self, now: OffsetDateTime) {
        self.sync
            .loaded_at
            .store(now.unix_timestamp(), Ordering::Relaxed);
        self.sync.stale_since.store(0, Ordering::Relaxed);
    }

    /// Changes may have been missed from `now` on (kept if already stale).
    pub fn mark_stale(&self, now: OffsetDateTime) {
        let _ = self.sync.stale_since.compare_exchange(
            0,
            now.unix_timestamp().max(1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Seconds since the snapshot was last known to match the database;
    /// 0 while it does.
    pub fn age_seconds(&self, now: OffsetDateTime) -> i64 {
        match self.sync.stale_since.load(Ordering::Relaxed) {
            0 => 0,
            since => (now.unix_timestamp() - since).max(0),
        }
    }

    /// When the snapshot was last read whole, in Unix seconds.
    pub fn loaded_at(&self) -> i64 {
        self.sync.loaded_at.load(Ordering::Relaxed)
    }

    /// Looks a key up by the SHA-256 of its secret. The map compares
    /// hashes, never secrets: what its timing could tell is a prefix of a
    /// hash, which gives nothing towards a secret of 256 random bits.
    pub fn key(&self, hash: &[u8; 32], now: OffsetDateTime) -> KeyLookup {
        let Some(entry) = self.read().keys.get(hash).copied() else {
            return KeyLookup::Unknown;
        };
        if entry.revoked {
            KeyLookup::Revoked
        } else if entry
            .expires_at
            .is_some_and(|at| at <= now.unix_timestamp())
        {
            KeyLookup::Expired
        } else {
            KeyLookup::Valid(entry)
        }
    }

    /// The application's approved subscription to the API, if any.
    pub fn grant(&self, app_id: i64, api_id: i64) -> Option<Arc<Grant>> {
        self.read().grants.get(&(app_id, api_id)).cloned()
    }

    /// How many keys and subscriptions are held.
    pub fn counts(&self) -> (usize, usize) {
        let maps = self.read();
        (maps.keys.len(), maps.grants.len())
    }

    /// Reads the keys of one application (or of all) again and swaps them in.
    pub async fn reload_keys(
        &self,
        db: &Db,
        app_id: Option<i64>,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let since = crate::server::clock::format_timestamp(now - Duration::days(FORGET_AFTER_DAYS));
        let rows = keys::list_for_gateway(db.pool(), app_id, &since).await?;
        self.replace_keys(app_id, rows);
        Ok(())
    }

    /// Reads the approved subscriptions that `filter` names again and swaps
    /// them in: a plan's new limits apply to its subscriptions this way.
    pub async fn reload_grants(&self, db: &Db, filter: GrantFilter) -> anyhow::Result<()> {
        let rows = grants::list_approved(db.pool(), filter).await?;
        self.replace_grants(filter, rows);
        Ok(())
    }

    fn replace_keys(&self, app_id: Option<i64>, rows: Vec<GatewayKey>) {
        let entries: Vec<([u8; 32], KeyEntry)> = rows.iter().filter_map(key_entry).collect();
        let mut maps = self.write();
        match app_id {
            None => {
                maps.keys.clear();
                maps.app_keys.clear();
            }
            Some(app_id) => {
                for hash in maps.app_keys.remove(&app_id).unwrap_or_default() {
                    maps.keys.remove(&hash);
                }
            }
        }
        for (hash, entry) in entries {
            maps.app_keys.entry(entry.app_id).or_default().push(hash);
            maps.keys.insert(hash, entry);
        }
    }

    fn replace_grants(&self, filter: GrantFilter, rows: Vec<StoredGrant>) {
        let mut maps = self.write();
        match filter {
            GrantFilter::All => maps.grants.clear(),
            GrantFilter::App(app_id) => maps.grants.retain(|(app, _), _| *app != app_id),
            GrantFilter::Plan(plan_id) => maps.grants.retain(|_, grant| grant.plan_id != plan_id),
        }
        for row in rows {
            maps.grants
                .insert((row.app_id, row.api_id), Arc::new(grant(&row)));
        }
    }
}

fn key_entry(row: &GatewayKey) -> Option<([u8; 32], KeyEntry)> {
    let Some(hash) = hex32(&row.hash) else {
        tracing::warn!(
            key.id = row.id,
            "skipping a key whose stored hash is not SHA-256 hex"
        );
        return None;
    };
    // A timestamp that does not parse counts as past: a damaged row never
    // keeps a key alive.
    let expires_at = row.expires_at.as_deref().map(|text| {
        OffsetDateTime::parse(text, &Rfc3339).map_or(i64::MIN, |at| at.unix_timestamp())
    });
    Some((
        hash,
        KeyEntry {
            key_id: row.id,
            app_id: row.app_id,
            owner_user_id: row.owner_user_id,
            expires_at,
            revoked: row.revoked_at.is_some(),
        },
    ))
}

fn positive<T: TryFrom<i64>>(value: Option<i64>) -> Option<T> {
    value.filter(|v| *v > 0).and_then(|v| T::try_from(v).ok())
}

fn grant(row: &StoredGrant) -> Grant {
    Grant {
        subscription_id: row.subscription_id,
        plan_id: row.plan_id,
        plan: Arc::from(row.plan_slug.as_str()),
        limits: Limits {
            per_second: positive(row.rate_per_second),
            per_minute: positive(row.rate_per_minute),
            per_day: positive(row.quota_per_day),
            per_month: positive(row.quota_per_month),
        },
    }
}

/// 64 hex digits as 32 bytes.
pub fn hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let digits = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(digits, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, app_id: i64, hash: u8, revoked: bool) -> GatewayKey {
        GatewayKey {
            id,
            app_id,
            owner_user_id: 7,
            hash: format!("{hash:02x}").repeat(32),
            expires_at: Some("2030-01-01T00:00:00Z".into()),
            revoked_at: revoked.then(|| "2026-01-01T00:00:00Z".into()),
        }
    }

    #[test]
    fn keys_are_replaced_per_application() {
        let snapshot = Snapshot::default();
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        snapshot.replace_keys(None, vec![key(1, 10, 1, false), key(2, 20, 2, false)]);
        assert!(matches!(snapshot.key(&[1; 32], now), KeyLookup::Valid(k) if k.key_id == 1));
        snapshot.replace_keys(Some(10), vec![key(1, 10, 1, true)]);
        assert_eq!(snapshot.key(&[1; 32], now), KeyLookup::Revoked);
        assert!(matches!(snapshot.key(&[2; 32], now), KeyLookup::Valid(_)));
        snapshot.replace_keys(Some(20), vec![]);
        assert_eq!(snapshot.key(&[2; 32], now), KeyLookup::Unknown);
        let later = OffsetDateTime::UNIX_EPOCH + Duration::days(30_000);
        snapshot.replace_keys(Some(20), vec![key(2, 20, 2, false)]);
        assert_eq!(snapshot.key(&[2; 32], later), KeyLookup::Expired);
        assert_eq!(snapshot.counts().0, 2);
    }

    #[test]
    fn hex_hashes_decode() {
        assert_eq!(hex32(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(hex32("ab"), None);
        assert_eq!(hex32(&"zz".repeat(32)), None);
    }
}
