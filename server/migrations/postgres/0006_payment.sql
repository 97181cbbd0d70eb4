-- Payment of consultations. Tiers payant: one insurance claim per consultation,
-- exported for the billing software. Card: the provider's checkout session.

CREATE TABLE insurance_claims (
    id                  TEXT PRIMARY KEY,
    consultation_id     TEXT NOT NULL UNIQUE REFERENCES consultations (id),
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    act_code            TEXT NOT NULL,
    amount_cents        BIGINT NOT NULL,
    act_at              BIGINT NOT NULL,
    patient_last_name   TEXT NOT NULL,
    patient_first_name  TEXT NOT NULL,
    patient_birth_date  TEXT NOT NULL,
    prescriber_name     TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX insurance_claims_organisation ON insurance_claims (organisation_id, act_at);

CREATE TABLE card_payments (
    consultation_id     TEXT PRIMARY KEY REFERENCES consultations (id),
    status              TEXT NOT NULL,
    session_id          TEXT,
    checkout_url        TEXT,
    payment_intent      TEXT,
    updated_at          BIGINT NOT NULL
);
