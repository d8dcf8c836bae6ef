-- +goose Up
-- Removal orders for terrorist content (package removal, Regulation (EU)
-- 2021/784). A provider is an authority of kind hosting-provider with its
-- Member State and 24/7 contact point; the webhook's signing secret is kept
-- apart from the rest, which is shown to users.
CREATE TABLE providers (
    code       TEXT PRIMARY KEY REFERENCES authorities(code),
    data       TEXT NOT NULL,
    secret     TEXT NOT NULL,
    updated_ns BIGINT NOT NULL
);

-- When an authority sent a provider its information on procedures and
-- deadlines, which a first order must follow by 12 hours (Art 3(2)).
CREATE TABLE procedure_notices (
    authority TEXT NOT NULL REFERENCES authorities(code),
    provider  TEXT NOT NULL REFERENCES providers(code),
    sent_ns BIGINT NOT NULL,
    PRIMARY KEY (authority, provider)
);

-- Each order as a whole (data, JSON) with the columns that lists, the
-- deadline watcher and reports select on: due_ns is the next time the
-- watcher must act on the order (0: nothing to watch).
CREATE TABLE removal_orders (
    id         TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    provider   TEXT NOT NULL REFERENCES providers(code),
    host_state TEXT NOT NULL,
    reference  TEXT NOT NULL,
    state      TEXT NOT NULL,
    issued_ns BIGINT NOT NULL,
    due_ns BIGINT NOT NULL,
    data       TEXT NOT NULL,
    UNIQUE (issuer, reference)
);
CREATE INDEX removal_orders_provider ON removal_orders (provider, issued_ns);
CREATE INDEX removal_orders_issuer ON removal_orders (issuer, issued_ns);
CREATE INDEX removal_orders_host ON removal_orders (host_state, issued_ns);
CREATE INDEX removal_orders_due ON removal_orders (due_ns);

-- An order's timeline: every step with its exact time.
CREATE TABLE removal_events (
    id       BIGSERIAL PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES removal_orders(id),
    at_ns BIGINT NOT NULL,
    data     TEXT NOT NULL
);
CREATE INDEX removal_events_order ON removal_events (order_id, id);

-- Webhook deliveries still to make, written with the order so that none is
-- lost: the idempotency key is the order's ID; nonce is the current
-- attempt's, which the provider's signed acknowledgement must name.
CREATE TABLE removal_deliveries (
    order_id   TEXT PRIMARY KEY REFERENCES removal_orders(id),
    attempts   INTEGER NOT NULL,
    next_ns BIGINT NOT NULL,
    nonce      TEXT NOT NULL,
    last_error TEXT NOT NULL
);
CREATE INDEX removal_deliveries_next ON removal_deliveries (next_ns);

-- +goose Down
DROP TABLE removal_deliveries;
DROP TABLE removal_events;
DROP TABLE removal_orders;
DROP TABLE procedure_notices;
DROP TABLE providers;
