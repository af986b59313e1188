-- Freshness: when an article was first seen in a feed (the poll that found its entry) and when it
-- became queryable (the publish that first carried it). article_freshness is written by the publish
-- (warehouse/publish.py), once per article; the seeds, never seen in a feed, have no row.
alter table articles add column first_seen_at timestamptz;

create table article_freshness (
    article_id     varchar primary key,
    first_seen_at  timestamptz not null,
    queryable_at   timestamptz not null,
    load_seq       bigint default nextval('change_seq')
);
