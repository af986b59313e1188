-- Entities per article: one row per (article, actor) with how often and how the actor is named.
create view article_actors as
select
    m.article_id,
    m.entity_id,
    e.name,
    e.type,
    count(*)                          as mentions,
    min(m.start_char)                 as first_offset,
    list(distinct m.surface order by m.surface) as surface_forms
from entity_mentions m
join entities e using (entity_id)
group by all;

-- One row per article: its actors, most mentioned first, and its other named entities.
create view article_entity_summary as
select
    a.article_id,
    a.title,
    a.source_id,
    a.published_at,
    (select count(*) from article_actors x where x.article_id = a.article_id) as actor_count,
    (select list(x.name order by x.mentions desc, x.name) from article_actors x
      where x.article_id = a.article_id)                                   as actors,
    (select count(*) from entity_mentions m where m.article_id = a.article_id) as mention_count,
    (select count(*) from entity_mentions m where m.article_id = a.article_id and m.entity_id is null)
                                                                            as unlinked_mentions
from articles a;
