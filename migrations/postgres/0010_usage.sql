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
    key_id bigint not null,
    app_id bigint not null,
    api_id bigint not null,
    status_class bigint not null,
    requests bigint not null default 0,
    -- Calls answered 4xx or 5xx.
    errors bigint not null default 0,
    latency_us_sum bigint not null default 0,
    bucket_0 bigint not null default 0,
    bucket_1 bigint not null default 0,
    bucket_2 bigint not null default 0,
    bucket_3 bigint not null default 0,
    bucket_4 bigint not null default 0,
    bucket_5 bigint not null default 0,
    bucket_6 bigint not null default 0,
    bucket_7 bigint not null default 0,
    bucket_8 bigint not null default 0,
    bucket_9 bigint not null default 0,
    bucket_10 bigint not null default 0,
    bucket_11 bigint not null default 0,
    primary key (minute, key_id, api_id, status_class)
);

create index usage_minute_app on usage_minute (app_id, minute);
create index usage_minute_key on usage_minute (key_id, minute);
create index usage_minute_api on usage_minute (api_id, minute);

-- Calls a key made on an API in one quota window: period 'day' (window
-- '2026-12-02', UTC) or 'month' (window '2026-12'). Loaded when the
-- gateway starts, so quotas hold across restarts.
create table quota_usage (
    key_id bigint not null,
    api_id bigint not null,
    period text not null check (period in ('day', 'month')),
    window_start text not null,
    used bigint not null default 0,
    updated_at text not null,
    primary key (key_id, api_id, period, window_start)
);
