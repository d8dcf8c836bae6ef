-- +goose Up
CREATE TABLE authorities (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_ns BIGINT NOT NULL
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    authority     TEXT NOT NULL REFERENCES authorities(code),
    roles         TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_ns    BIGINT NOT NULL
);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    hash       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_ns BIGINT NOT NULL,
    expires_ns BIGINT NOT NULL,
    revoked_ns BIGINT
);

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_ns BIGINT NOT NULL,
    expires_ns BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_ns);

-- An entry's content is its canonical leaf encoding (audit.Entry.Leaf),
-- which the Merkle tree commits to; the other columns index it for search
-- and are checked against the leaf by verification.
CREATE TABLE audit_entries (
    seq        BIGINT PRIMARY KEY,
    time_ns    BIGINT NOT NULL,
    authority  TEXT NOT NULL,
    user_login TEXT NOT NULL,
    operation  TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    leaf       BYTEA NOT NULL,
    leaf_hash  BYTEA NOT NULL
);
CREATE INDEX audit_entries_time ON audit_entries(time_ns);
CREATE INDEX audit_entries_actor ON audit_entries(authority, user_login);
CREATE INDEX audit_entries_operation ON audit_entries(operation);

-- The keyed HMACs of the personal values each entry used, for lookups by
-- value; in sequence order, as verification reads them.
CREATE TABLE audit_values (
    seq BIGINT NOT NULL REFERENCES audit_entries(seq),
    mac TEXT NOT NULL,
    PRIMARY KEY (seq, mac)
);
CREATE INDEX audit_values_mac ON audit_values(mac);

CREATE TABLE audit_checkpoints (
    size    BIGINT PRIMARY KEY,
    time_ns BIGINT NOT NULL,
    note    TEXT NOT NULL
);

-- The program never changes or deletes audit entries or checkpoints; these
-- triggers make the database refuse it too. A superuser can drop them, which
-- is what `secunion audit verify` is for.
-- +goose StatementBegin
CREATE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_immutable BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_values_immutable BEFORE UPDATE OR DELETE ON audit_values
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_immutable BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_values_no_truncate BEFORE TRUNCATE ON audit_values
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    topic      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_ns BIGINT NOT NULL
);

CREATE TABLE outbox_cursors (
    subscriber  TEXT PRIMARY KEY,
    last_id     BIGINT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_ns     BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE outbox_cursors;
DROP TABLE outbox;
DROP TABLE audit_checkpoints;
DROP TABLE audit_values;
DROP TABLE audit_entries;
DROP FUNCTION audit_refuse_change CASCADE;
DROP TABLE sessions;
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE authorities;
