-- +goose Up
-- Hash banks (package signals): one row per hash in a bank, kept whole as
-- JSON beside the columns that lookups, index builds and listings select
-- on. A bank holds a hash once. Safe to run again (IF NOT EXISTS), as
-- TestPreservationMigration replays the migrations from 00008 on.
CREATE TABLE IF NOT EXISTS signal_entries (
    id         BIGSERIAL PRIMARY KEY,
    bank       TEXT NOT NULL,
    algorithm  TEXT NOT NULL,
    value      TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    updated_ns BIGINT NOT NULL,
    data       TEXT NOT NULL,
    UNIQUE (bank, algorithm, value)
);
CREATE INDEX IF NOT EXISTS signal_entries_value ON signal_entries (algorithm, value);

-- +goose Down
DROP TABLE IF EXISTS signal_entries;
