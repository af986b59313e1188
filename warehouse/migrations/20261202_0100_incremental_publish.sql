-- Publishing in proportion to what a load adds (warehouse/publish.py). Every row of a growing table
-- carries load_seq, a number from one sequence taken when the row was written (or last changed), so a
-- publish exports only the rows written since the previous one. A row deleted or replaced leaves a
-- tombstone (its key and the sequence number at that moment), which hides its older published copies.
create sequence if not exists change_seq start 1;

alter table articles add column load_seq bigint default nextval('change_seq');
alter table article_duplicates add column load_seq bigint default nextval('change_seq');
alter table raw_pages add column load_seq bigint default nextval('change_seq');
alter table entity_mentions add column load_seq bigint default nextval('change_seq');
alter table positions add column load_seq bigint default nextval('change_seq');
alter table feed_polls add column load_seq bigint default nextval('change_seq');
alter table ingest_errors add column load_seq bigint default nextval('change_seq');
alter table dq_results add column load_seq bigint default nextval('change_seq');
alter table dq_quarantine add column load_seq bigint default nextval('change_seq');
alter table pipeline_runs add column load_seq bigint default nextval('change_seq');

create table publish_tombstones (
    table_name  varchar not null,
    row_key     varchar not null,                -- the table's tombstone key (warehouse/publish.py)
    seq         bigint not null                  -- hides published copies with a smaller load_seq
);

-- The Parquet files that make up the published warehouse: tier 0 holds one publish's rows, tier n+1
-- merges eight files of tier n. A merged file is retired, and deleted once no session can still use it.
create table published_files (
    table_name   varchar not null,
    path         varchar primary key,            -- relative to the published data folder
    tier         integer not null,
    seq_from     bigint not null,                -- load_seq range [seq_from, seq_to) of its rows
    seq_to       bigint not null,
    written_seq  bigint not null,                -- the sequence when written: later tombstones concern it
    row_count    bigint not null,
    written_at   timestamptz not null,
    retired_at   timestamptz
);

create table publish_state (
    generation    bigint not null,
    published_seq bigint not null,               -- rows with a smaller load_seq are published
    published_at  timestamptz not null,
    fingerprint   varchar                        -- of the small tables copied whole into the head file
);

-- Full-text search index, kept in step with articles by the loader (warehouse/search.py): BM25 over
-- stemmed words of title and text.
create table search_documents (
    article_id  varchar primary key,
    length      integer not null,                -- indexed words (stop words left out)
    load_seq    bigint default nextval('change_seq')
);

create table search_postings (
    article_id  varchar not null,
    term        varchar not null,                -- Snowball English stem
    tf          integer not null,                -- occurrences in title and text
    load_seq    bigint default nextval('change_seq')
);

-- Counts the guide's questions need, maintained by each load in proportion to what it adds.
create table actor_totals (
    actor_id  varchar primary key,
    mentions  bigint not null,
    articles  bigint not null
);

create table actor_pairs (
    actor_a   varchar not null,                  -- actor_a < actor_b
    actor_b   varchar not null,
    articles  bigint not null,
    mentions  bigint not null,
    primary key (actor_a, actor_b)
);

-- The FTS extension's index (rebuilt over every article after each load) is replaced by the one above.
drop schema if exists fts_main_articles cascade;

-- The guide's "most mentioned actors" and "who is paired with whom", named.
create view actor_mention_counts as
select t.actor_id, e.name, e.type, t.mentions, t.articles
from actor_totals t join entities e on e.entity_id = t.actor_id;

create view actor_pair_counts as
select p.actor_a, a.name as actor_a_name, p.actor_b, b.name as actor_b_name, p.articles, p.mentions
from actor_pairs p
join entities a on a.entity_id = p.actor_a
join entities b on b.entity_id = p.actor_b;
