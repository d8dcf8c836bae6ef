-- +goose Up
-- Hash-list exchange (package signals). Each bank entry has a change
-- number, given at its insertion and again at each enabling or disabling,
-- one sequence over all entries: a reader of the change feed that keeps
-- the last number it read sees every later addition and every deletion.
-- The numbers live in their own table, as in the SQLite form (where a
-- column cannot be added in a form that runs twice), and this file must
-- run twice (TestPreservationMigration replays the migrations from 00008
-- on). Entries held before this migration are numbered after the
-- highest number given, in id order.
CREATE TABLE IF NOT EXISTS signal_changes (
    entry_id BIGINT PRIMARY KEY REFERENCES signal_entries (id),
    change   BIGINT NOT NULL UNIQUE
);
INSERT INTO signal_changes (entry_id, change)
    SELECT e.id, (SELECT COALESCE(MAX(change), 0) FROM signal_changes) + e.id
    FROM signal_entries e
    WHERE NOT EXISTS (SELECT 1 FROM signal_changes c WHERE c.entry_id = e.id);

-- Where each pull of a partner's list into a bank has got to: the
-- checkpoint to give as `after`, written in the transaction that stores
-- the page it ends.
CREATE TABLE IF NOT EXISTS signal_pulls (
    bank       TEXT NOT NULL,
    source     TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    pages      BIGINT NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (bank, source)
);

-- +goose Down
DROP TABLE IF EXISTS signal_pulls;
DROP TABLE IF EXISTS signal_changes;
