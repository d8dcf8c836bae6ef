-- +goose Up
-- The watcher also erases preserved content when its preservation period
-- ends (Art 6(2)): due_ns of a removed order is now the end of its
-- preservation. Orders removed before this migration get it here, rounded
-- up to the next second, so that the erasure is never refused as early.
UPDATE removal_orders
SET due_ns = (FLOOR(EXTRACT(EPOCH FROM (data::json->>'preserve_until')::timestamptz))::bigint + 1) * 1000000000
WHERE state IN ('removed', 'annulled', 'reinstated')
  AND due_ns = 0
  AND data::json->>'preserve_until' IS NOT NULL
  AND data::json->>'erased' IS NULL;

-- +goose Down
UPDATE removal_orders SET due_ns = 0 WHERE state IN ('removed', 'annulled', 'reinstated');
