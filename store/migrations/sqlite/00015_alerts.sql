-- +goose Up
-- The alert-sharing hub (package alerts): sharing groups, collections and
-- agreements kept whole as JSON; every object version received, numbered
-- in one sequence that is also the order of commits (every write holds
-- the audit lock), which makes the TAXII cursor exact; the status of each
-- TAXII POST; and each federation peer's last cursor.
CREATE TABLE IF NOT EXISTS alert_groups (
    name TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_collections (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_agreements (
    id      TEXT PRIMARY KEY,
    partner TEXT NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_agreements_partner ON alert_agreements (partner);
-- latest is 1 on the newest version of each object in its collection.
CREATE TABLE IF NOT EXISTS alert_objects (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    collection   TEXT NOT NULL,
    id           TEXT NOT NULL,
    type         TEXT NOT NULL,
    version_ns   INTEGER NOT NULL,
    added_ns     INTEGER NOT NULL,
    spec_version TEXT NOT NULL,
    origin       TEXT NOT NULL,
    from_partner INTEGER NOT NULL,
    onward       INTEGER NOT NULL,
    latest       INTEGER NOT NULL,
    data         TEXT NOT NULL,
    UNIQUE (collection, id, version_ns)
);
CREATE INDEX IF NOT EXISTS alert_objects_latest ON alert_objects (collection, latest, seq);
CREATE INDEX IF NOT EXISTS alert_objects_type ON alert_objects (collection, type, seq);
-- The marking definitions the hub has held, to which objects' markings
-- resolve (a marking definition never changes, so one once held stays).
CREATE TABLE IF NOT EXISTS alert_markings (
    id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS alert_status (
    id        TEXT PRIMARY KEY,
    authority TEXT NOT NULL,
    data      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_cursors (
    peer       TEXT NOT NULL,
    collection TEXT NOT NULL,
    cursor     TEXT NOT NULL,
    PRIMARY KEY (peer, collection)
);

-- +goose Down
DROP TABLE IF EXISTS alert_cursors;
DROP TABLE IF EXISTS alert_markings;
DROP TABLE IF EXISTS alert_status;
DROP TABLE IF EXISTS alert_objects;
DROP TABLE IF EXISTS alert_agreements;
DROP TABLE IF EXISTS alert_collections;
DROP TABLE IF EXISTS alert_groups;
