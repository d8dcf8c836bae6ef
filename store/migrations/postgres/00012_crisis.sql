-- +goose Up
-- The EU Crisis Protocol (package crisis): incidents kept whole as JSON
-- beside the columns selected on; their participants, timelines, the
-- hashes and URLs shared (numbered in one sequence, the checkpoint of a
-- pull), the participants' notifications, the queue of signed pushes to
-- providers' webhooks, and the upload attempts providers blocked on an
-- incident's hashes. Safe to run again (IF NOT EXISTS), as
-- TestPreservationMigration replays the migrations from 00008 on.
CREATE TABLE IF NOT EXISTS crisis_incidents (
    id          TEXT PRIMARY KEY,
    declared_by TEXT NOT NULL,
    state       TEXT NOT NULL,
    detected_ns BIGINT NOT NULL,
    data        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crisis_participants (
    incident  TEXT NOT NULL,
    authority TEXT NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (incident, authority)
);
CREATE INDEX IF NOT EXISTS crisis_participants_authority ON crisis_participants (authority);
CREATE TABLE IF NOT EXISTS crisis_events (
    id       BIGSERIAL PRIMARY KEY,
    incident TEXT NOT NULL,
    data     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crisis_events_incident ON crisis_events (incident, id);
CREATE TABLE IF NOT EXISTS crisis_shared (
    seq       BIGSERIAL PRIMARY KEY,
    incident  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    shared_ns BIGINT NOT NULL,
    data      TEXT NOT NULL,
    UNIQUE (incident, kind, value)
);
CREATE TABLE IF NOT EXISTS crisis_notifications (
    id        BIGSERIAL PRIMARY KEY,
    authority TEXT NOT NULL,
    data      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crisis_notifications_authority ON crisis_notifications (authority, id);
CREATE TABLE IF NOT EXISTS crisis_pushes (
    id         BIGSERIAL PRIMARY KEY,
    incident   TEXT NOT NULL,
    provider   TEXT NOT NULL,
    body       TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    next_ns    BIGINT NOT NULL,
    nonce      TEXT NOT NULL,
    last_error TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crisis_pushes_next ON crisis_pushes (next_ns);
CREATE TABLE IF NOT EXISTS crisis_blocked (
    id       BIGSERIAL PRIMARY KEY,
    incident TEXT NOT NULL,
    provider TEXT NOT NULL,
    entry    BIGINT NOT NULL,
    distance INTEGER NOT NULL,
    at_ns    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS crisis_blocked_incident ON crisis_blocked (incident, provider);

-- +goose Down
DROP TABLE IF EXISTS crisis_blocked;
DROP TABLE IF EXISTS crisis_pushes;
DROP TABLE IF EXISTS crisis_notifications;
DROP TABLE IF EXISTS crisis_shared;
DROP TABLE IF EXISTS crisis_events;
DROP TABLE IF EXISTS crisis_participants;
DROP TABLE IF EXISTS crisis_incidents;
