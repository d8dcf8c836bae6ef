-- +goose Up
-- Identity confirmation files of the Multiple Identity Detector (package
-- links): one per link between two records, with its single
-- identification number, colour, the authority responsible for verifying
-- it, and the whole file (evidence, reason, history) as JSON. A link lives
-- only as long as both its records: when either is erased, fewer than two
-- records remain linked and the link goes with it.
CREATE TABLE links (
    id             TEXT PRIMARY KEY,
    a_system       TEXT NOT NULL,
    a_id           TEXT NOT NULL,
    b_system       TEXT NOT NULL,
    b_id           TEXT NOT NULL,
    colour         TEXT NOT NULL,
    verifier_kind  TEXT NOT NULL,
    verifier_state TEXT NOT NULL,
    decided        INTEGER NOT NULL,
    data           TEXT NOT NULL,
    created_ns     BIGINT NOT NULL,
    updated_ns     BIGINT NOT NULL,
    FOREIGN KEY (a_system, a_id) REFERENCES records(system, id) ON DELETE CASCADE,
    FOREIGN KEY (b_system, b_id) REFERENCES records(system, id) ON DELETE CASCADE
);
CREATE INDEX links_a ON links (a_system, a_id);
CREATE INDEX links_b ON links (b_system, b_id);
-- The verification queues: yellow links per verifier, oldest first.
CREATE INDEX links_queue ON links (colour, verifier_kind, verifier_state, created_ns);

-- +goose Down
DROP TABLE links;
