-- +goose Up
-- Enrolment codes (package access): at most one pending code per user,
-- with which a user created through the API or the console sets their own
-- password. Only the code's SHA-256 is kept; it is deleted once used.
-- Safe to run again.
CREATE TABLE IF NOT EXISTS enrolments (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id),
    hash       TEXT NOT NULL UNIQUE,
    created_ns BIGINT NOT NULL,
    expires_ns BIGINT NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS enrolments;
