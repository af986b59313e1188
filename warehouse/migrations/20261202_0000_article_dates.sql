-- The date a page declares about itself wins over its feed's; the feed's is kept beside it, and
-- date_source says which one published_at is (page, feed). A gap of more than two days between them
-- is a warning of the articles suite.
alter table articles add column feed_published_at timestamptz;
alter table articles add column date_source varchar;
