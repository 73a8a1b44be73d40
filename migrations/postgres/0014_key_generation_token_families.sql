-- Authentication holds active API keys in memory (`store::keys`). Every change of a key, or of
-- what is held with it (its organisation's name and sandbox flag), raises this one counter in the
-- same transaction, whichever process makes it (the CLI included); a serving process trusts a
-- held key only on a read of the counter begun after the change committed (read in the
-- background every few milliseconds, or by the request itself), so a revoked key is refused on
-- the next request. This replaces the
-- `NOTIFY` of 0012, which arrived after the commit: a request in between still found the key.
DROP TRIGGER api_keys_changed ON api_keys;
DROP FUNCTION satyapan_api_key_changed();
DROP TRIGGER orgs_changed ON orgs;
DROP FUNCTION satyapan_org_changed();

CREATE TABLE key_generation (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    generation      BIGINT NOT NULL
);
INSERT INTO key_generation (id, generation) VALUES (1, 0);
CREATE FUNCTION satyapan_key_generation_bump() RETURNS trigger AS $$
BEGIN
    UPDATE key_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION satyapan_key_generation_bump();
CREATE TRIGGER orgs_key_fields_changed AFTER UPDATE OF name, is_sandbox ON orgs
    FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.is_sandbox IS DISTINCT FROM OLD.is_sandbox)
    EXECUTE FUNCTION satyapan_key_generation_bump();

-- Refresh-token families revoked because a spent token was used again: the access tokens of a
-- family carry its id and are refused while its row is here.
CREATE TABLE revoked_token_families (
    family_id       TEXT PRIMARY KEY,
    revoked_at      BIGINT NOT NULL
);
