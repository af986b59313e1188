-- Pages that failed (fetch, extraction or a critical expectation), remembered so a bad item that stays
-- in its feed is not fetched and validated again on every run (warehouse/failures.py). An item is tried
-- again when its feed entry changes (entry_signature), or when next_attempt_at comes (exponential,
-- capped). An operator can release a quarantined item (load it anyway) or drop it (never try it again
-- while its entry stays the same); each decision is kept in quarantine_decisions.
create table failed_items (
    url              varchar primary key,        -- the feed entry's canonical URL
    source_id        varchar not null,
    stage            varchar not null,           -- fetch | extract | quality
    error_class      varchar not null,
    reason           varchar not null,
    entry_signature  varchar not null,           -- hash of the feed entry as last seen
    entry_json       varchar not null,           -- the feed entry, to rebuild the article on release
    raw_id           varchar,                    -- the body that failed (its SHA-256), when one was fetched
    article_id       varchar,                    -- the article held back, for a quality failure
    first_failed_at  timestamptz not null,
    last_failed_at   timestamptz not null,
    attempts         integer not null,
    next_attempt_at  timestamptz,                -- null: only a changed entry or an operator brings it back
    status           varchar not null,           -- failing | quarantined | released | dropped
    first_run_id     varchar not null,
    last_run_id      varchar not null
);

create table quarantine_decisions (
    decided_at   timestamptz not null,
    url          varchar not null,
    article_id   varchar,
    action       varchar not null,               -- release | drop
    decided_by   varchar not null,
    reason       varchar not null
);
