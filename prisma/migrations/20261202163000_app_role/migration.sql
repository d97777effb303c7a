-- The app (web and worker) runs as a member of `crosskey_app`, the migrations as the owner of the schema. The
-- app reads and writes the tables it works with, may only add to and read the audit trail, and owns nothing in
-- `public`: it cannot change or remove an audit event, nor drop or disable the trigger that forbids it
-- (ALTER/DROP need ownership). docs/database.md ("Roles") says how to set this up on any PostgreSQL.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crosskey_app') THEN
    CREATE ROLE crosskey_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created at the same moment by a migration of another database on this server
END $$;

GRANT USAGE ON SCHEMA public TO crosskey_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crosskey_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO crosskey_app;
-- Tables and sequences later migrations create (as this owner) get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO crosskey_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO crosskey_app;

-- The audit trail: append and read only (the trigger of *_audit_append_only also stops the owner).
REVOKE ALL ON "AuditEvent" FROM crosskey_app;
GRANT SELECT, INSERT ON "AuditEvent" TO crosskey_app;
-- Migration bookkeeping: the health check reads it; only migrations write it.
REVOKE ALL ON "_prisma_migrations" FROM crosskey_app;
GRANT SELECT ON "_prisma_migrations" TO crosskey_app;

-- pg-boss installs, migrates and maintains its own schema at run time (queue tables, indexes), so the app owns
-- what is in `pgboss`: job rows are the app's working data, not evidence. The owner creates the schema (the app
-- may not create schemas); pg-boss runs with createSchema: false (lib/jobs/boss.ts).
CREATE SCHEMA IF NOT EXISTS pgboss;
GRANT USAGE, CREATE ON SCHEMA pgboss TO crosskey_app;

-- A database where pg-boss was installed before this migration: hand its objects to the app. An owner who may
-- not give objects to crosskey_app (not a superuser nor a member) grants the app every privilege on them instead.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                  c.oid::regclass) AS object, c.relkind
    FROM pg_class c
    WHERE c.relnamespace = 'pgboss'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v')
      -- a serial or identity column's sequence follows its table
      AND (c.relkind <> 'S' OR NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    BEGIN
      EXECUTE format('ALTER %s OWNER TO crosskey_app', r.object);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT ALL ON %s TO crosskey_app', r.object);
    END;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS object FROM pg_proc p WHERE p.pronamespace = 'pgboss'::regnamespace LOOP
    BEGIN
      EXECUTE format('ALTER ROUTINE %s OWNER TO crosskey_app', r.object);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO crosskey_app', r.object);
    END;
  END LOOP;
  FOR r IN
    SELECT t.oid::regtype AS object FROM pg_type t
    WHERE t.typnamespace = 'pgboss'::regnamespace AND t.typtype IN ('e', 'd')
  LOOP
    BEGIN
      EXECUTE format('ALTER TYPE %s OWNER TO crosskey_app', r.object);
    EXCEPTION WHEN insufficient_privilege THEN
      EXECUTE format('GRANT USAGE ON TYPE %s TO crosskey_app', r.object);
    END;
  END LOOP;
END $$;
