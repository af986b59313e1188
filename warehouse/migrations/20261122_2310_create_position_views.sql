-- Positions for analysts: who holds which stance on which topic, with the evidence, article date and outlet.
create view positions_enriched as
select
    p.position_id,
    p.actor_id,
    coalesce(e.name, p.actor_id)                    as actor_name,
    e.type                                          as actor_type,
    p.stance,
    p.topic,
    p.polarity,
    p.attribution,
    p.confidence,
    p.evidence,
    p.start_char,
    p.end_char,
    p.article_id,
    a.title,
    a.url,
    coalesce(a.published_at, a.fetched_at)          as article_date,
    a.source_id,
    s.name                                          as source_name,
    a.is_seed,
    p.extractor
from positions p
join articles a using (article_id)
join sources s on s.source_id = a.source_id
left join entities e on e.entity_id = p.actor_id;

-- Weekly timeline: how many positions each actor took per topic and stance (week starts on Monday).
create view weekly_actor_positions as
select
    date_trunc('week', article_date)::date as week,
    actor_id,
    actor_name,
    topic,
    stance,
    polarity,
    count(*)                               as positions,
    count(distinct article_id)             as articles
from positions_enriched
group by all;
