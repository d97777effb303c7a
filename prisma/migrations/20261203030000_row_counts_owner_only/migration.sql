-- "RowCount" is evidence the console shows as exact ("1–50 of 250,000", the funnel), so only its triggers may
-- write it: they run as the owner of the functions (SECURITY DEFINER), and the app's role may read the counts
-- but neither write them nor call the function that adds to them. A compromised app could otherwise make the
-- funnel say anything. (PostgreSQL checks a trigger function's EXECUTE privilege when the trigger is created,
-- not when it fires: https://www.postgresql.org/docs/current/sql-createtrigger.html.)
ALTER FUNCTION "row_count_apply"(text, text[], bigint[]) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION "row_count_tenant_onboarding"() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION "row_count_isv_resource"() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION "row_count_apply"(text, text[], bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION "row_count_tenant_onboarding"() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION "row_count_isv_resource"() FROM PUBLIC;

REVOKE ALL ON "RowCount" FROM crosskey_app;
GRANT SELECT ON "RowCount" TO crosskey_app;
