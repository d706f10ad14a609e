-- The gateway's usage: calls counted per minute, and the quota counters
-- that must survive a restart. Both are written in batches by the gateway's
-- background task (src/gateway/usage.rs); only src/usage/ reads or writes
-- them. No foreign keys: usage outlives the keys, apps and APIs it counts.

-- Calls in one minute (RFC 3339, seconds zero) for one key, API and status
-- class (2 for 2xx ... 5 for 5xx). key_id and app_id are 0 for calls that
-- presented no valid key, api_id 0 for calls that matched no route.
-- Latencies are counted in buckets whose upper bounds (ms) are, in order:
-- 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, and above (bucket_11);
-- see crate::usage::model::LATENCY_BOUNDS_MS. A flush adds to the row.
create table usage_minute (
    minute text not null,
    key_id integer not null,
    app_id integer not null,
    api_id integer not null,
    status_class integer not null,
    requests integer not null default 0,
    -- Calls answered 4xx or 5xx.
    errors integer not null default 0,
    latency_us_sum integer not null default 0,
    bucket_0 integer not null default 0,
    bucket_1 integer not null default 0,
    bucket_2 integer not null default 0,
    bucket_3 integer not null default 0,
    bucket_4 integer not null default 0,
    bucket_5 integer not null default 0,
    bucket_6 integer not null default 0,
    bucket_7 integer not null default 0,
    bucket_8 integer not null default 0,
    bucket_9 integer not null default 0,
    bucket_10 integer not null default 0,
    bucket_11 integer not null default 0,
    primary key (minute, key_id, api_id, status_class)
);

create index usage_minute_app on usage_minute (app_id, minute);
create index usage_minute_key on usage_minute (key_id, minute);
create index usage_minute_api on usage_minute (api_id, minute);

-- Calls a key made on an API in one quota window: period 'day' (window
-- '2026-12-02', UTC) or 'month' (window '2026-12'). Loaded when the
-- gateway starts, so quotas hold across restarts.
create table quota_usage (
    key_id integer not null,
    api_id integer not null,
    period text not null check (period in ('day', 'month')),
    window_start text not null,
    used integer not null default 0,
    updated_at text not null,
    primary key (key_id, api_id, period, window_start)
);
