-- Evidence files and rendered PDF reports move out of the rows into the file store (`files/`:
-- a local directory or S3). A row keeps the file's storage key, size and SHA-256; rows written
-- before this migration keep their bytes (the column stays, nullable) and are still served from
-- them.
ALTER TABLE evidence ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE evidence ADD COLUMN storage_key TEXT;
ALTER TABLE evidence ADD COLUMN size_bytes BIGINT;
ALTER TABLE evidence ADD COLUMN sha256 TEXT;
UPDATE evidence SET size_bytes = length(bytes);
ALTER TABLE evidence ADD CONSTRAINT evidence_body CHECK (bytes IS NOT NULL OR storage_key IS NOT NULL);

ALTER TABLE case_reports ALTER COLUMN body DROP NOT NULL;
ALTER TABLE case_reports ADD COLUMN storage_key TEXT;
ALTER TABLE case_reports ADD CONSTRAINT case_reports_body CHECK (body IS NOT NULL OR storage_key IS NOT NULL);

-- Every change of an API key tells the serving processes at commit, so a key they hold in their
-- authentication cache (`store::keys`) is dropped at once: a revoked key stops working
-- immediately, not when the cache entry expires.
CREATE FUNCTION satyapan_api_key_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('satyapan_api_keys', OLD.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION satyapan_api_key_changed();
-- An organisation's name and sandbox flag are part of what is cached.
CREATE FUNCTION satyapan_org_changed() RETURNS trigger AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.is_sandbox IS DISTINCT FROM OLD.is_sandbox THEN
        PERFORM pg_notify('satyapan_api_keys', '*');
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orgs_changed AFTER UPDATE ON orgs
    FOR EACH ROW EXECUTE FUNCTION satyapan_org_changed();

-- Disabling a user revokes their refresh tokens by user: without this index that scanned every
-- token ever issued (found by the query-plan test, `store::hot`).
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
