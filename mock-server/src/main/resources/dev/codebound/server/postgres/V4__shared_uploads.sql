-- Uploads shared by every registry node: each upload's record (state, offset, expiry, metadata,
-- outcome) here, its bytes in the object store as one multipart upload of uploads/<id>/data
-- (see PostgresUploadStore). A row with removing set is being terminated: no node shows it.
CREATE TABLE uploads (
    upload_id      text PRIMARY KEY,
    length         bigint NOT NULL CHECK (length >= 0),
    metadata       text NOT NULL,
    station_id     text NOT NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    upload_offset  bigint NOT NULL CHECK (upload_offset >= 0 AND upload_offset <= length),
    state          text NOT NULL CHECK (state IN ('RECEIVING', 'AWAITING_OUTCOME', 'ACCEPTED', 'REJECTED', 'EXPIRED')),
    outcome        bytea,
    multipart_id   text NOT NULL,
    -- the object holding the bytes past the recorded parts, while they are fewer than a part's minimum
    incomplete_key text,
    removing       boolean NOT NULL DEFAULT false
);

-- The recorded parts of each upload's multipart upload, numbered densely from 1.
CREATE TABLE upload_parts (
    upload_id   text NOT NULL REFERENCES uploads ON DELETE CASCADE,
    part_number integer NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
    etag        text NOT NULL,
    length      bigint NOT NULL CHECK (length >= 0),
    PRIMARY KEY (upload_id, part_number)
);
