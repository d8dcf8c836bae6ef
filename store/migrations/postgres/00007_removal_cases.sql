-- +goose Up
-- Around removal orders (package removal): content providers' complaints
-- (Art 10), referrals from the EU Internet Referral Unit, providers'
-- reports of imminent threats to life (Art 14(5)), and the decisions on
-- providers exposed to terrorist content (Art 5). Each kept whole as JSON
-- beside the columns lists and reports select on.
CREATE TABLE removal_complaints (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES removal_orders(id),
    provider    TEXT NOT NULL,
    received_ns BIGINT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX removal_complaints_provider ON removal_complaints (provider, received_ns);

CREATE TABLE referrals (
    id       TEXT PRIMARY KEY,
    referrer TEXT NOT NULL,
    provider TEXT NOT NULL REFERENCES providers(code),
    sent_ns  BIGINT NOT NULL,
    data     TEXT NOT NULL
);
CREATE INDEX referrals_provider ON referrals (provider, sent_ns);
CREATE INDEX referrals_referrer ON referrals (referrer, sent_ns);

CREATE TABLE threat_reports (
    id          TEXT PRIMARY KEY,
    provider    TEXT NOT NULL REFERENCES providers(code),
    reported_ns BIGINT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX threat_reports_time ON threat_reports (reported_ns);

CREATE TABLE exposure_decisions (
    id         BIGSERIAL PRIMARY KEY,
    provider   TEXT NOT NULL REFERENCES providers(code),
    decided_ns BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX exposure_decisions_provider ON exposure_decisions (provider, id);

-- +goose Down
DROP TABLE exposure_decisions;
DROP TABLE threat_reports;
DROP TABLE referrals;
DROP TABLE removal_complaints;
