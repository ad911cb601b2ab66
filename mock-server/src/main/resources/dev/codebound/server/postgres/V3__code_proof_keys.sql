-- Code keys for format 2 envelopes (docs/protocol.md §4, "Code in the envelope"): per code, the key of
-- each envelope suite, derived from the code text. Secrets, like the text: never logged or served.
-- Null in rows written before this version; the registry derives them from the text when it starts.
ALTER TABLE codes ADD COLUMN code_key_sha256 bytea;
ALTER TABLE codes ADD COLUMN code_key_sm3 bytea;
