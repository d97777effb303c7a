import pg from "pg";

/** How many rows of each kind `seedAtScale` writes. */
export type ScaleVolumes = {
  customers: number;
  verifiedKeys: number;
  resources: number;
  jobs: number;
  auditEvents: number;
  /** Extra audit events on one onboarding, for a long timeline. */
  detailEvents: number;
};

const STATES = `ARRAY['INVITED','SIGNED_IN','CONSENTED','KEY_SUBMITTED','KEY_VERIFIED','APPLIED','HEALTHY','KEY_UNREACHABLE','REVOKED','FAILED']::"OnboardingState"[]`;
const NAMES = `ARRAY['Adatum','Alpine Ski','Contoso','Fabrikam','Litware','Northwind','Proseware','Tailspin','Wingtip','Woodgrove']`;
const KINDS = `ARRAY['STORAGE_ACCOUNT','COSMOS_DB_ACCOUNT','DISK_ENCRYPTION_SET','SQL_SERVER']::"ResourceKind"[]`;
const CMK = `ARRAY['MICROSOFT_MANAGED','MICROSOFT_MANAGED','APPLIED','APPLIED','DRIFTED','FAILED']::"CmkState"[]`;

/**
 * Fills a database with a large, plausible console workload in a few set-based statements (no row-by-row
 * inserts), then ANALYZEs it so the planner sees real volumes. For the benchmark and the query-plan tests;
 * it bypasses the domain functions on purpose, because a million audit events through them would take hours.
 * Returns the onboarding that carries `detailEvents` events.
 */
export async function seedAtScale(
  databaseUrl: string,
  v: ScaleVolumes,
): Promise<{ detailOnboardingId: string }> {
  // One connection: the numbering tables below are temporary, so they live in this session only.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await seed(client, v);
  } finally {
    await client.end();
  }
}

async function seed(client: pg.Client, v: ScaleVolumes): Promise<{ detailOnboardingId: string }> {
  const run = (sql: string) => client.query(sql);
  // Seeding twice (a retried test, a re-run benchmark) finds the first run's rows and keeps them.
  const [seeded] = (
    await client.query<{ id: string }>(
      `SELECT "targetId" AS "id" FROM "AuditEvent" WHERE "actorId" = 'scale-seed' LIMIT 1`,
    )
  ).rows;
  if (seeded) return { detailOnboardingId: seeded.id };
  await run(`INSERT INTO "Customer" ("id","name","nameKey","createdBy","createdAt","updatedAt")
    SELECT gen_random_uuid(), n, lower(n), 'scale-seed@crosskey.local', now() - g * interval '1 minute', now()
      FROM generate_series(1, ${v.customers}) g, LATERAL (SELECT (${NAMES})[1 + g % 10] || ' ' || lpad(g::text, 6, '0') AS n) x`);
  await run(`CREATE TEMP TABLE scale_customer AS
    SELECT "id", row_number() OVER (ORDER BY "createdAt" DESC, "id") AS rn FROM "Customer" WHERE "createdBy" = 'scale-seed@crosskey.local'`);
  await run(`INSERT INTO "Invite" ("id","customerId","tokenHash","services","expiresAt","createdBy","createdAt")
    SELECT gen_random_uuid(), c."id", encode(sha256(('scale-' || c."id")::bytea), 'hex'), ARRAY['STORAGE_ACCOUNT']::"ResourceKind"[],
           now() + interval '14 days' - c.rn * interval '1 minute', 'scale-seed@crosskey.local', now() - c.rn * interval '1 minute'
      FROM scale_customer c`);
  await run(`INSERT INTO "TenantOnboarding" ("id","customerId","inviteId","state","stateChangedAt","tenantId","tenantDomain","createdAt","updatedAt")
    SELECT gen_random_uuid(), c."id", i."id", s.state, now() - c.rn * interval '37 seconds',
           CASE WHEN s.state <> 'INVITED' THEN gen_random_uuid() END,
           CASE WHEN s.state <> 'INVITED' THEN 'tenant' || c.rn || '.onmicrosoft.com' END, now(), now()
      FROM scale_customer c JOIN "Invite" i ON i."customerId" = c."id",
           LATERAL (SELECT CASE WHEN c.rn <= ${v.verifiedKeys} THEN 'KEY_VERIFIED'::"OnboardingState" ELSE (${STATES})[1 + c.rn % 10] END AS state) s`);
  await run(`INSERT INTO "CustomerKey" ("id","customerId","onboardingId","tenantId","keyUri","vaultHost","vaultKind","keyName","status","verificationStatus","submittedBy","createdAt","updatedAt")
    SELECT gen_random_uuid(), o."customerId", o."id", coalesce(o."tenantId", gen_random_uuid()),
           'https://kv-' || c.rn || '.vault.azure.net/keys/cmk', 'kv-' || c.rn || '.vault.azure.net', 'VAULT', 'cmk', 'ACTIVE',
           CASE WHEN c.rn <= ${v.verifiedKeys} THEN 'VERIFIED'::"VerificationStatus" ELSE 'FAILED'::"VerificationStatus" END,
           'admin@tenant' || c.rn || '.onmicrosoft.com', now(), now()
      FROM scale_customer c JOIN "TenantOnboarding" o ON o."customerId" = c."id"
     WHERE c.rn <= ${v.verifiedKeys} OR o."state" IN ('KEY_SUBMITTED','KEY_UNREACHABLE','FAILED')`);
  await run(`INSERT INTO "IsvResource" ("id","armIdKey","armId","kind","name","subscriptionId","resourceGroup","region","customerId","cmkState","updatedAt")
    SELECT gen_random_uuid(), lower(arm), arm, (${KINDS})[1 + g % 4], name, sub::uuid, 'rg-' || (g % 100), 'westeurope',
           CASE WHEN g % 3 = 0 THEN c."id" END, (${CMK})[1 + g % 6], now()
      FROM generate_series(1, ${v.resources}) g
      LEFT JOIN scale_customer c ON c.rn = 1 + g % greatest(${v.verifiedKeys}, 1),
      LATERAL (SELECT 'stscale' || lpad(g::text, 7, '0') AS name,
                      '0000000' || (g % 10) || '-0000-4000-8000-000000000000' AS sub) n,
      LATERAL (SELECT '/subscriptions/' || sub || '/resourceGroups/rg-' || (g % 100) || '/providers/Microsoft.Storage/storageAccounts/' || name AS arm) a`);
  await run(
    `CREATE TEMP TABLE scale_resource AS SELECT "id", row_number() OVER (ORDER BY "id") AS rn FROM "IsvResource"`,
  );
  await run(`INSERT INTO "Job" ("id","kind","state","resourceId","requestedBy","createdAt","finishedAt","updatedAt")
    SELECT gen_random_uuid(), 'APPLY_CMK', 'SUCCEEDED', r."id", 'scale-seed@crosskey.local', now() - g * interval '1 second', now(), now()
      FROM generate_series(1, ${v.jobs}) g JOIN scale_resource r ON r.rn = 1 + g % greatest(${v.resources}, 1)`);
  await run(`CREATE TEMP TABLE scale_onboarding AS
    SELECT o."id", o."customerId", row_number() OVER (ORDER BY o."id") AS rn FROM "TenantOnboarding" o`);
  const [detail] = (
    await client.query<{ id: string }>(`SELECT "id" FROM scale_onboarding ORDER BY rn LIMIT 1`)
  ).rows;
  if (!detail) throw new Error("seedAtScale needs at least one customer");
  // ~1 in 5 events is about an onboarding; the rest are resource and sign-in noise that a timeline must skip.
  await run(`INSERT INTO "AuditEvent" ("occurredAt","actorType","actorId","action","targetType","targetId","customerId","onboardingId","details")
    SELECT now() - g * interval '1 second', 'SYSTEM', 'worker', a.action, 'onboarding', o."id"::text,
           o."customerId", CASE WHEN g % 5 = 0 THEN o."id" END,
           jsonb_build_object('keyId', o."id", 'outcome', 'verified', 'hops', ARRAY['token:passed','vault:passed','key:passed'])
      FROM generate_series(1, ${v.auditEvents}) g
      JOIN scale_onboarding o ON o.rn = 1 + g % ${v.customers},
      LATERAL (SELECT (ARRAY['key.reverified','cmk.rechecked','customer.returned'])[1 + g % 3] AS action) a`);
  await run(`INSERT INTO "AuditEvent" ("occurredAt","actorType","actorId","action","targetType","targetId","customerId","onboardingId","details")
    SELECT now() - g * interval '1 second', 'SYSTEM', 'scale-seed', 'key.reverified', 'onboarding', '${detail.id}',
           o."customerId", o."id", jsonb_build_object('hops', ARRAY['token:passed','vault:passed','key:passed','wrap_unwrap:passed'])
      FROM generate_series(1, ${v.detailEvents}) g, scale_onboarding o WHERE o."id" = '${detail.id}'`);
  for (const table of ["scale_customer", "scale_resource", "scale_onboarding"])
    await run(`DROP TABLE ${table}`);
  await run(`VACUUM ANALYZE`);
  return { detailOnboardingId: detail.id };
}
