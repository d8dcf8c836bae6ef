-- +goose Up
-- Records of the source systems (package identity), one row per system and
-- source record ID, the record itself as JSON.
CREATE TABLE records (
    system     TEXT NOT NULL,
    id         TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    PRIMARY KEY (system, id)
);

-- Individual files of the Common Identity Repository: one per EES, VIS,
-- ETIAS, Eurodac and ECRIS-TCN record, kept apart by system, living only as
-- long as the source record.
CREATE TABLE cir_files (
    system     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    PRIMARY KEY (system, record_id),
    FOREIGN KEY (system, record_id) REFERENCES records(system, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE cir_files;
DROP TABLE records;
