-- Views behind the dashboard ($PARLEY_HOME/dashboard/index.html), for analysts' own charts as well.

-- Positions per day, actor, topic, polarity, attribution, outlet and confidence band (0.0, 0.1 … 0.9):
-- fine enough to filter by any of them and sum up to weeks.
create view position_daily as
select
    cast(article_date as date)                      as day,
    actor_id,
    actor_name,
    topic,
    polarity,
    attribution,
    source_id,
    source_name,
    least(floor(confidence * 10) / 10, 0.9)         as confidence_band,
    count(*)                                        as positions,
    count(distinct article_id)                      as articles
from positions_enriched
group by all;

-- Net stance per actor, topic and week (Monday): pro minus contra positions, with their support.
create view stance_weekly as
select
    date_trunc('week', article_date)::date          as week,
    actor_id,
    actor_name,
    topic,
    count(*) filter (where polarity = 'pro')        as pro,
    count(*) filter (where polarity = 'contra')     as contra,
    count(*) filter (where polarity = 'pro') - count(*) filter (where polarity = 'contra') as net,
    count(distinct article_id)                      as articles,
    count(distinct source_id)                       as outlets
from positions_enriched
group by all;

-- Articles per outlet and week (Monday), and how many carry at least one position.
create view coverage_weekly as
select
    date_trunc('week', a.article_date)::date        as week,
    a.source_id,
    a.source_name,
    count(*)                                        as articles,
    count(*) filter (where a.article_id in (select article_id from positions)) as with_positions
from articles_with_source a
group by all;

-- Each validated run's quality: critical expectations failed, warnings, rows quarantined.
create view quality_runs as
select
    r.run_id,
    min(r.validated_at)                                                  as validated_at,
    count(*)                                                             as expectations,
    count(*) filter (where not r.success and r.severity = 'critical')   as critical_failed,
    count(*) filter (where not r.success and r.severity <> 'critical')  as warnings_failed,
    coalesce(any_value(q.quarantined), 0)                                as quarantined
from dq_results r
left join (select run_id, count(*) as quarantined from dq_quarantine group by run_id) q using (run_id)
group by r.run_id;
