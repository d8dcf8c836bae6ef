-- +goose Up
-- Biometric templates of the shared Biometric Matching Service (package
-- biometric): fixed-length feature vectors, never images, each belonging to
-- a source record, which lists its reference among its biometrics. The
-- vector is stored as little-endian float32 values at unit length. A
-- template lives only as long as its record.
CREATE TABLE templates (
    id         TEXT PRIMARY KEY,
    system     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    modality   TEXT NOT NULL,
    quality    INTEGER NOT NULL,
    vector     BYTEA NOT NULL,
    created_ns BIGINT NOT NULL,
    FOREIGN KEY (system, record_id) REFERENCES records(system, id) ON DELETE CASCADE
);
CREATE INDEX templates_record ON templates (system, record_id);

-- +goose Down
DROP TABLE templates;
