-- What makes several nodes one registry: the CA every node must hold (a node started with other
-- keys refuses to serve), and the one signed trust bundle they all publish, its sequence only
-- growing (a publication is a compare-and-set on the sequence it replaces).
CREATE TABLE registry_identity (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    ca_fingerprint text NOT NULL
);

CREATE TABLE trust_bundle (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    sequence  bigint NOT NULL CHECK (sequence >= 1),
    bundle    bytea NOT NULL
);
