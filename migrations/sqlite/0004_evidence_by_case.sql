-- The report and the PDF read a case's evidence by case: without this index every read scanned
-- the whole evidence table (whose rows carry the file bytes).
CREATE INDEX evidence_case ON evidence(case_id, check_id, position);
