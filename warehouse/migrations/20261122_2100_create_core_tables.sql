-- Core tables of the Parley warehouse. Ids: source_id is the source's slug; article_id is the first
-- 16 hex digits of sha256(canonical URL); raw_id is sha256 of the raw body; run_id is Airflow's.

create table sources (
    source_id            varchar primary key,
    name                 varchar not null,
    kind                 varchar not null check (kind in ('feed', 'seed')),
    feed_url             varchar,
    homepage             varchar,
    language             varchar,
    etag                 varchar,
    last_modified        varchar,
    feed_hash            varchar,
    last_polled_at       timestamptz,
    last_success_at      timestamptz,
    consecutive_failures integer not null default 0,
    last_error           varchar,
    next_poll_at         timestamptz,
    paused               boolean not null default false,
    paused_reason        varchar,
    added_at             timestamptz not null default current_timestamp
);

create table pipeline_runs (
    run_id       varchar not null,
    stage        varchar not null,
    started_at   timestamptz not null,
    finished_at  timestamptz not null,
    status       varchar not null check (status in ('success', 'failed')),
    items_in     integer not null,
    items_out    integer not null,
    duration_s   double not null,
    error        varchar,
    primary key (run_id, stage)
);

create table feed_polls (
    poll_id       varchar primary key,           -- run_id || source_id
    run_id        varchar not null,
    source_id     varchar not null references sources (source_id),
    polled_at     timestamptz not null,
    status        varchar not null check (status in ('ok', 'not_modified', 'unchanged', 'failed', 'skipped')),
    http_status   integer,
    entries_seen  integer not null default 0,
    entries_new   integer not null default 0,
    duration_s    double,
    error_class   varchar,
    error         varchar
);

create table raw_pages (
    raw_id        varchar primary key,           -- sha256 of the body as received (after transfer decoding)
    url           varchar not null,
    final_url     varchar not null,
    http_status   integer not null,
    content_type  varchar,
    charset       varchar,                       -- as declared by the server, for re-decoding
    byte_count    bigint not null,
    path          varchar not null,              -- gzip file, relative to PARLEY_HOME
    fetched_at    timestamptz not null
);

create table articles (
    article_id        varchar primary key,
    source_id         varchar not null references sources (source_id),
    url               varchar not null unique,   -- canonical URL (seeds: seed:NAME)
    feed_guid         varchar,
    title             varchar,
    -- '; '-separated (string_split(authors, '; ') gives a list). Not varchar[]: DuckDB 1.5 rewrites an
    -- update of a list column as delete + insert, which the foreign keys to articles then refuse.
    authors           varchar,
    published_at      timestamptz,
    fetched_at        timestamptz not null,
    language          varchar,
    site_name         varchar,
    text              varchar not null,
    word_count        integer not null,
    text_hash         varchar not null,          -- sha256 of text
    simhash           bigint,                    -- 64-bit SimHash of word 3-shingles (near-duplicates)
    extractor         varchar not null,
    extractor_version varchar not null,
    raw_id            varchar references raw_pages (raw_id),
    is_seed           boolean not null default false,
    run_id            varchar not null,
    loaded_at         timestamptz not null default current_timestamp
);

-- A copy of a stored article found under another URL (syndication, mirrors): linked, not stored again.
create table article_duplicates (
    url           varchar primary key,           -- canonical URL of the copy
    source_id     varchar not null references sources (source_id),
    duplicate_of  varchar not null references articles (article_id),
    method        varchar not null check (method in ('text_hash', 'simhash')),
    distance      integer not null,              -- SimHash bits that differ (0 for an exact copy)
    title         varchar,
    feed_guid     varchar,
    raw_id        varchar references raw_pages (raw_id),
    run_id        varchar not null,
    detected_at   timestamptz not null
);

-- Canonical actors: the knowledge base (transforms/data/actors.yaml, origin 'kb') and political persons
-- found with a title but not in it (origin 'inferred', id = slug of the name).
create table entities (
    entity_id     varchar primary key,           -- Wikidata QID where known, else a slug of the name
    name          varchar not null,
    type          varchar not null,              -- person, state, organisation, alliance, group
    wikidata      varchar,
    country       varchar,                       -- entity_id of the actor's state or organisation
    role          varchar,
    origin        varchar not null default 'kb' check (origin in ('kb', 'inferred'))
);

create table entity_mentions (
    article_id    varchar not null references articles (article_id),
    start_char    integer not null,              -- offsets into articles.text, end exclusive
    end_char      integer not null,
    surface       varchar not null,              -- = substring(text, start_char + 1, end_char - start_char)
    label         varchar not null,              -- spaCy label (PERSON, GPE, ORG, NORP, ...)
    normalized    varchar not null,
    entity_id     varchar references entities (entity_id),
    tagger        varchar not null,
    primary key (article_id, start_char, end_char)
);

create table positions (
    position_id   varchar primary key,
    article_id    varchar not null references articles (article_id),
    actor_id      varchar not null,
    stance        varchar not null,
    topic         varchar not null,
    polarity      varchar not null check (polarity in ('pro', 'contra')),
    evidence      varchar not null,
    start_char    integer not null,
    end_char      integer not null,
    attribution   varchar not null check (attribution in ('stated', 'analysis')),
    conditions    varchar,
    confidence    double not null,
    extractor     varchar not null
);

create table ingest_errors (
    error_id      varchar primary key,           -- run_id || stage || url
    run_id        varchar not null,
    source_id     varchar,
    url           varchar,
    stage         varchar not null,              -- poll, fetch, extract, tag, load
    error_class   varchar not null,
    message       varchar not null,
    occurred_at   timestamptz not null
);

create table dq_results (
    run_id             varchar not null,
    suite              varchar not null,
    expectation_id     varchar not null,         -- expectation type and column, stable across runs
    expectation_type   varchar not null,
    column_name        varchar,
    severity           varchar not null,         -- critical, warning, info
    success            boolean not null,
    observed_value     varchar,
    element_count      bigint,
    unexpected_count   bigint,
    unexpected_examples varchar,
    validated_at       timestamptz not null,
    primary key (run_id, suite, expectation_id)
);

create table dq_quarantine (
    run_id        varchar not null,
    table_name    varchar not null,
    row_key       varchar not null,
    reasons       varchar not null,
    row_json      varchar not null,
    quarantined_at timestamptz not null,
    primary key (run_id, table_name, row_key)
);
