-- Peak resident memory (MB) of the process that ran the stage, children included, when the stage ended:
-- operators size machines and workers from it.
alter table pipeline_runs add column peak_rss_mb double;
