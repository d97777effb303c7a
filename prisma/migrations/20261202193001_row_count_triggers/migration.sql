-- Exact counts without counting: statement triggers add what each INSERT, UPDATE or DELETE changed to
-- "RowCount", in the same transaction, so a rolled-back change leaves the count as it was. One aggregate over
-- the statement's transition table per statement: a bulk insert of 100,000 rows is one counter update. A
-- statement that changes nothing countable (an UPDATE that keeps the state) writes nothing and takes no lock.

-- No write may slip between the triggers' creation and the first count below (one transaction holds the lock).
LOCK TABLE "TenantOnboarding", "IsvResource" IN SHARE ROW EXCLUSIVE MODE;

-- Adds each bucket's delta; buckets are locked in one order by every writer, so writers cannot deadlock on them.
CREATE OR REPLACE FUNCTION "row_count_apply"(p_table text, p_buckets text[], p_deltas bigint[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "RowCount" ("tableName", "bucket", "count")
  SELECT p_table, d.b, sum(d.n) FROM unnest(p_buckets, p_deltas) AS d(b, n)
   GROUP BY d.b HAVING sum(d.n) <> 0 ORDER BY d.b
  ON CONFLICT ("tableName", "bucket") DO UPDATE SET "count" = "RowCount"."count" + EXCLUDED."count"
$$;

-- Onboardings per state: the console's funnel, and its total.
CREATE OR REPLACE FUNCTION "row_count_tenant_onboarding"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE "RowCount" SET "count" = 0 WHERE "tableName" = TG_TABLE_NAME;
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "row_count_apply"(TG_TABLE_NAME, array_agg(x.b), array_agg(x.n))
       FROM (SELECT r."state"::text AS b, count(*) AS n FROM new_rows r GROUP BY 1) x;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "row_count_apply"(TG_TABLE_NAME, array_agg(x.b), array_agg(x.n))
       FROM (SELECT r."state"::text AS b, -count(*) AS n FROM old_rows r GROUP BY 1) x;
  ELSE
    PERFORM "row_count_apply"(TG_TABLE_NAME, array_agg(x.b), array_agg(x.n))
       FROM (SELECT r."state"::text AS b, count(*) AS n FROM new_rows r GROUP BY 1
             UNION ALL
             SELECT r."state"::text, -count(*) FROM old_rows r GROUP BY 1) x;
  END IF;
  RETURN NULL;
END;
$$;

-- ISV resources: the inventory's total, in the bucket 'all'.
CREATE OR REPLACE FUNCTION "row_count_isv_resource"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE "RowCount" SET "count" = 0 WHERE "tableName" = TG_TABLE_NAME;
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "row_count_apply"(TG_TABLE_NAME, ARRAY['all'], ARRAY[count(*)]) FROM new_rows;
  ELSE
    PERFORM "row_count_apply"(TG_TABLE_NAME, ARRAY['all'], ARRAY[-count(*)]) FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "row_count_insert" AFTER INSERT ON "TenantOnboarding"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "row_count_tenant_onboarding"();
CREATE TRIGGER "row_count_update" AFTER UPDATE ON "TenantOnboarding"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "row_count_tenant_onboarding"();
CREATE TRIGGER "row_count_delete" AFTER DELETE ON "TenantOnboarding"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "row_count_tenant_onboarding"();
CREATE TRIGGER "row_count_truncate" AFTER TRUNCATE ON "TenantOnboarding"
  FOR EACH STATEMENT EXECUTE FUNCTION "row_count_tenant_onboarding"();

CREATE TRIGGER "row_count_insert" AFTER INSERT ON "IsvResource"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "row_count_isv_resource"();
CREATE TRIGGER "row_count_delete" AFTER DELETE ON "IsvResource"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "row_count_isv_resource"();
CREATE TRIGGER "row_count_truncate" AFTER TRUNCATE ON "IsvResource"
  FOR EACH STATEMENT EXECUTE FUNCTION "row_count_isv_resource"();

-- The rows that exist already, counted once.
INSERT INTO "RowCount" ("tableName", "bucket", "count")
SELECT 'TenantOnboarding', "state"::text, count(*) FROM "TenantOnboarding" GROUP BY "state"
UNION ALL
SELECT 'IsvResource', 'all', count(*) FROM "IsvResource";
