-- +goose Up
-- Safe to run again (IF NOT EXISTS), as TestPreservationMigration replays
-- the migrations from 00008 on.

-- Issuing an order asks whether its issuer sent the provider an order
-- before (the first-order rule of Art 3(2)): one lookup in this index.
CREATE INDEX IF NOT EXISTS removal_orders_pair ON removal_orders (provider, issuer);

-- The dispatcher reads each subscriber's topics after its cursor: a range
-- of this index per topic, however many events of other topics lie after
-- the cursor.
CREATE INDEX IF NOT EXISTS outbox_topic ON outbox (topic, id);

-- +goose Down
DROP INDEX IF EXISTS outbox_topic;
DROP INDEX IF EXISTS removal_orders_pair;
