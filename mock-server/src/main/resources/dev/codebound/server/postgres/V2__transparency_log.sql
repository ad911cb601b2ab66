-- The transparency log: one row per entry, indexes dense from 0, appended by one node at a time
-- (an appender locks the log_head row for its batch), and the latest signed checkpoint.
CREATE TABLE log_entries (
    leaf_index      bigint PRIMARY KEY CHECK (leaf_index >= 0),
    entry           bytea NOT NULL,
    envelope_sha256 bytea NOT NULL UNIQUE CHECK (length(envelope_sha256) = 32)
);

CREATE TABLE log_head (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    size            bigint NOT NULL CHECK (size >= 0),
    checkpoint_size bigint,
    checkpoint      text
);

INSERT INTO log_head (size) VALUES (0);
