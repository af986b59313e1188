-- Articles with their outlet, the common starting point of analysts' queries.
create view articles_with_source as
select
    a.article_id, a.title, a.url, a.authors, a.published_at, a.fetched_at,
    coalesce(a.published_at, a.fetched_at) as article_date,
    a.language, a.word_count, a.is_seed, a.source_id, s.name as source_name, s.homepage as source_homepage,
    a.site_name, a.extractor, a.extractor_version
from articles a
join sources s using (source_id);

-- Pairs of actors named in the same article (each pair once per article, ids in alphabetical order).
create view actor_cooccurrence as
select
    x.article_id,
    x.entity_id as actor_a, x.name as actor_a_name,
    y.entity_id as actor_b, y.name as actor_b_name,
    x.mentions + y.mentions as mentions
from article_actors x
join article_actors y on x.article_id = y.article_id and x.entity_id < y.entity_id;

-- Feed health at a glance: failures, last success, hours since the last new article.
create view source_health as
select
    s.source_id, s.name, s.kind, s.feed_url, s.paused, s.paused_reason, s.consecutive_failures,
    s.last_polled_at, s.last_success_at, s.last_error, s.next_poll_at,
    (select max(a.loaded_at) from articles a where a.source_id = s.source_id) as last_new_article_at,
    date_diff('hour', (select max(a.loaded_at) from articles a where a.source_id = s.source_id),
              current_timestamp) as hours_since_new_article,
    (select count(*) from articles a where a.source_id = s.source_id) as articles
from sources s;
