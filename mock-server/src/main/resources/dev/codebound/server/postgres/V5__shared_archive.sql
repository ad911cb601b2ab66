-- Accepted envelopes' records, shared by every registry node; the envelopes themselves are objects
-- photos/<envelope sha256>.cms in the object store (see PostgresPhotoArchive). Every version of every
-- code is kept: versions are dense from 1 and unique per code.
CREATE TABLE photos (
    envelope_sha256 text PRIMARY KEY CHECK (envelope_sha256 ~ '^[0-9a-f]{64}$'),
    envelope_length bigint NOT NULL CHECK (envelope_length >= 0),
    code_id         text NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    station_id      text NOT NULL,
    photo_sha256    text NOT NULL,
    media_type      text NOT NULL,
    capture_time    timestamptz NOT NULL,
    accepted_at     timestamptz NOT NULL,
    receipt         text NOT NULL,
    UNIQUE (code_id, version)
);
