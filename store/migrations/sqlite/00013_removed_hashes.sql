-- +goose Up
-- The orders whose removed content each TCO bank entry stands for: one
-- hash may be given with the removals of several orders, and it is to be
-- stopped on upload while one of them stands (not annulled, its content
-- not reinstated). Entries sourced to an order before this migration are
-- linked to it; an entry then named one order only, so the orders of
-- later removals that gave the same hash before it are not known. And an index for the bank browser, exports and bank
-- counts, which read one bank's entries in order. Safe to run again.
CREATE TABLE IF NOT EXISTS signal_order_hashes (
    entry_id INTEGER NOT NULL REFERENCES signal_entries (id),
    order_id TEXT NOT NULL REFERENCES removal_orders (id),
    PRIMARY KEY (order_id, entry_id)
);
CREATE INDEX IF NOT EXISTS signal_order_hashes_entry ON signal_order_hashes (entry_id);
INSERT OR IGNORE INTO signal_order_hashes (entry_id, order_id)
    SELECT e.id, json_extract(e.data, '$.source_ref') FROM signal_entries e
    WHERE e.bank = 'tco-removed' AND json_extract(e.data, '$.source') = 'removal-order'
      AND json_extract(e.data, '$.source_ref') IN (SELECT id FROM removal_orders);
CREATE INDEX IF NOT EXISTS signal_entries_bank ON signal_entries (bank, id);

-- +goose Down
DROP INDEX IF EXISTS signal_entries_bank;
DROP TABLE IF EXISTS signal_order_hashes;
