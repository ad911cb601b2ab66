-- Enrolled stations, enrollment tokens (hashes only) and issued collection codes (public fields only).
-- No personal data: a code's text seals the student's identity to the registry.
CREATE TABLE stations (
    station_id      text PRIMARY KEY,
    serial_hex      text NOT NULL,
    fingerprint     text NOT NULL,
    enrolled_at     timestamptz NOT NULL,
    not_after       timestamptz NOT NULL,
    revoked_at      timestamptz,
    revocation_note text,
    -- the serial of the station's SM2 envelope-signing certificate (suite 2), when it enrolled with one
    sm2_serial_hex  text
);

CREATE TABLE enrollment_tokens (
    token_hash  text PRIMARY KEY,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    note        text NOT NULL,
    used_at     timestamptz,
    station_id  text
);

CREATE TABLE codes (
    code_id     text PRIMARY KEY,
    text        text NOT NULL,
    school_code integer NOT NULL,
    cohort      integer NOT NULL,
    not_before  timestamptz NOT NULL,
    not_after   timestamptz NOT NULL,
    issued_at   timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE INDEX codes_revoked ON codes (code_id) WHERE revoked_at IS NOT NULL;
