-- The group an upload was made for: a group user's files are theirs and their groups' only
-- (NULL: uploaded by the organisation's owner or its API key, for the whole organisation).
ALTER TABLE uploads ADD COLUMN group_id TEXT;
