-- Authentication holds active API keys in memory (`store::keys`). Every change of a key, or of
-- what is held with it (its organisation's name and sandbox flag), raises this one counter in the
-- same transaction, whichever process makes it (the CLI included); a serving process trusts a
-- held key only on a read of the counter begun after the change committed (read in the
-- background every few milliseconds, or by the request itself), so a revoked key is refused on
-- the next request.
CREATE TABLE key_generation (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    generation      INTEGER NOT NULL
);
INSERT INTO key_generation (id, generation) VALUES (1, 0);
CREATE TRIGGER api_keys_updated AFTER UPDATE ON api_keys
BEGIN
    UPDATE key_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
BEGIN
    UPDATE key_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER orgs_key_fields_updated AFTER UPDATE OF name, is_sandbox ON orgs
    WHEN NEW.name IS NOT OLD.name OR NEW.is_sandbox IS NOT OLD.is_sandbox
BEGIN
    UPDATE key_generation SET generation = generation + 1 WHERE id = 1;
END;

-- Refresh-token families revoked because a spent token was used again: the access tokens of a
-- family carry its id and are refused while its row is here.
CREATE TABLE revoked_token_families (
    family_id       TEXT PRIMARY KEY,
    revoked_at      INTEGER NOT NULL
);
