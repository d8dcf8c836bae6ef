-- +goose Up
-- Outbox housekeeping (package events). A cursor records when it was last
-- saved, so that the cursor of a subscriber that is gone (a node taken out of
-- service) stops holding back the deletion of delivered events. Cursors
-- that exist already count as saved now, so no live one is taken for gone
-- on upgrade.
ALTER TABLE outbox_cursors ADD COLUMN updated_ns INTEGER NOT NULL DEFAULT 0;
UPDATE outbox_cursors SET updated_ns = CAST(strftime('%s', 'now') AS INTEGER) * 1000000000;

-- Finds the events older than the retention without reading the newer ones.
CREATE INDEX outbox_created ON outbox (created_ns);

-- +goose Down
DROP INDEX outbox_created;
ALTER TABLE outbox_cursors DROP COLUMN updated_ns;
