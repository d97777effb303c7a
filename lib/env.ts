import "server-only";
import { z } from "zod";
import { CLOUD_NAMES, getCloudProfile, type CloudProfile } from "./azure/clouds";
import { poolSchema } from "./identity/encryption-identities";

/**
 * Typed configuration. Every variable is documented in .env.example; defaults describe the offline demo
 * (emulator profile with the identifiers of emulator/world/demo.json). Read it through getEnv().
 */
const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const postgresUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol), {
    message: "must be a postgres:// or postgresql:// URL",
  });
const guidList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(guid).min(1, "must list at least one subscription ID"));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    // --- The app
    APP_BASE_URL: httpUrl.default("http://localhost:3000"),
    /** PKCS #8 PEM of the P-256 key that signs evidence packs; derived from SESSION_SECRET when unset. */
    EVIDENCE_SIGNING_KEY: z.string().min(1).optional(),
    SESSION_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (generate one with `openssl rand -base64 48`)"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ISV_NAME: z.string().min(1).max(100).default("Fabrikam Cloud"),
    ISV_SUPPORT_EMAIL: z.email().default("security@fabrikamcloud.example"),
    INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    // --- Database
    DATABASE_URL: postgresUrl,
    /** `npm run db:migrate` only: the schema's owner, when the app's DATABASE_URL is a least-privileged role. */
    MIGRATION_DATABASE_URL: postgresUrl.optional(),
    /** Connections one process's Prisma client keeps (pg-boss adds its own: 2 in the web tier, 6 in a worker). */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** How long a transaction may wait for a free connection before Prisma gives up with P2028. */
    DATABASE_TRANSACTION_MAX_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** The longest a transaction may run; transactions hold no network calls, so this is a safety net. */
    DATABASE_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Retries of a transaction that failed for a transient reason (pool wait, serialization, reset). */
    DATABASE_TRANSIENT_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    // --- Azure: which cloud, and the ISV's identities in it
    /** Required in production; the demo's local emulator when unset elsewhere (see parseEnv). */
    AZURE_CLOUD: z.enum(CLOUD_NAMES).optional(),
    /** Lets a production build talk to the local emulator: the demo and test stacks only. */
    ALLOW_EMULATOR: z.enum(["true", "false"]).default("false"),
    /** `npm run demo`'s listening address for the app, the emulator and the mail sink; loopback unless opened. */
    DEMO_LISTEN_HOST: z
      .string()
      .regex(/^[0-9A-Za-z.:-]{1,253}$/, "must be an address or host name, such as 127.0.0.1 or 0.0.0.0")
      .default("127.0.0.1"),
    EMULATOR_URL: z
      .url({ protocol: /^https$/, error: "must be an https URL (tokens and keys travel over it)" })
      .default("https://localhost:8443"),
    ISV_TENANT_ID: guid.default("11111111-1111-4111-8111-111111111111"),
    CMK_APP_CLIENT_ID: guid.default("22222222-2222-4222-8222-222222222222"),
    SIGNIN_APP_CLIENT_ID: guid.default("33333333-3333-4333-8333-333333333333"),
    SIGNIN_APP_CLIENT_SECRET: z.string().min(1).optional(),
    CMK_UAMI_RESOURCE_ID: z
      .string()
      .regex(
        /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i,
        "must be a user-assigned identity resource ID",
      )
      .default(
        "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/crosskey-isv/providers/Microsoft.ManagedIdentity/userAssignedIdentities/crosskey-cmk",
      ),
    CMK_UAMI_CLIENT_ID: guid.default("44444444-4444-4444-8444-444444444444"),
    CMK_UAMI_PRINCIPAL_ID: guid.default("55555555-5555-4555-8555-555555555555"),
    /** More encryption identities (an identity pool), as JSON: see lib/identity/encryption-identities.ts. */
    CMK_UAMI_POOL: z
      .string()
      .transform((v, ctx) => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON array" });
          return z.NEVER;
        }
      })
      .pipe(poolSchema)
      .default([]),
    APP_UAMI_CLIENT_ID: guid.default("66666666-6666-4666-8666-666666666666"),
    /** Region of the ISV's resources: Storage and disk encryption sets need the customer's vault there too. */
    ISV_PRIMARY_REGION: z
      .string()
      .regex(/^[a-z0-9]{2,40}$/, "must be an Azure region name such as westeurope")
      .default("westeurope"),
    ISV_SUBSCRIPTION_IDS: guidList.default(["aaaaaaaa-0000-4000-8000-000000000001"]),
    // --- Background jobs
    ARM_WRITES_PER_SECOND: z.coerce.number().positive().max(1000).default(8),
    /** Jobs one worker process runs at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
    // --- Key health and notifications (docs/key-health.md)
    /** How often every verified customer key is checked. */
    KEY_HEALTH_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** While a problem lasts, a reminder this often; 0 sends none. */
    HEALTH_REMINDER_HOURS: z.coerce.number().min(0).max(720).default(24),
    /** Mail server for email notifications, e.g. smtps://user:pass@smtp.example.com:465; unset disables email. */
    SMTP_URL: z
      .string()
      .refine((v) => URL.canParse(v) && /^smtps?:$/.test(new URL(v).protocol), {
        message: "must be an smtp:// or smtps:// URL",
      })
      .optional(),
    NOTIFY_FROM: z.string().min(3).max(320).default("Crosskey <crosskey@fabrikamcloud.example>"),
    /** Hosts whose webhooks may use plain http (a local receiver); every other webhook must be https. */
    WEBHOOK_ALLOW_HTTP_HOSTS: z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      )
      .default([]),
    /** Key verifications one worker process runs at once (each is a few Key Vault and Graph calls). */
    VERIFY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
    // --- Client addresses and rate limits (docs/security.md)
    /**
     * Proxies in front of the app that append the address they saw to X-Forwarded-For (App Service or
     * Container Apps ingress: 1; Front Door in front of those: 2). 0: the app is reached directly.
     */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).optional(),
    /** A header the platform sets to the client's address, replacing X-Forwarded-For (e.g. X-Azure-ClientIP). */
    CLIENT_IP_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, "must be a header name")
      .transform((v) => v.toLowerCase())
      .optional(),
    /** Requests per minute one invite link may make to each customer step. */
    RATE_LIMIT_PER_INVITE: z.coerce.number().int().min(1).max(10_000).default(30),
    /** Requests per minute one client address may make to each customer step (a whole company behind one NAT). */
    RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Unknown or malformed invite tokens and consent states one client address may present per minute. */
    RATE_LIMIT_MISSES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(20),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SIGNIN_APP_CLIENT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SIGNIN_APP_CLIENT_SECRET"],
        message:
          "is for local development only; in production the app signs in with its managed identity's federated credential",
      });
    }
    if (env.NODE_ENV !== "production") return;
    // Fail closed: production never falls back to demo settings that would send tokens to the wrong place.
    if (!env.AZURE_CLOUD) {
      ctx.addIssue({
        code: "custom",
        path: ["AZURE_CLOUD"],
        message: "is required in production: public, china or usgov",
      });
    } else if (env.AZURE_CLOUD === "emulator" && env.ALLOW_EMULATOR !== "true") {
      ctx.addIssue({
        code: "custom",
        path: ["AZURE_CLOUD"],
        message:
          "emulator is refused in production (sign-in, tokens and keys would go to EMULATOR_URL); set ALLOW_EMULATOR=true only for a local demo",
      });
    }
    if (env.TRUSTED_PROXY_HOPS === undefined && !env.CLIENT_IP_HEADER) {
      ctx.addIssue({
        code: "custom",
        path: ["TRUSTED_PROXY_HOPS"],
        message:
          "is required in production (or CLIENT_IP_HEADER): rate limits need the client's address as your proxies report it",
      });
    }
    const base = new URL(env.APP_BASE_URL);
    if (base.protocol !== "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(base.hostname)) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_BASE_URL"],
        message: "must be https in production (session cookies and redirect URIs depend on it)",
      });
    }
  });

type ParsedEnv = z.infer<typeof envSchema>;
export type Env = Omit<ParsedEnv, "AZURE_CLOUD"> & { AZURE_CLOUD: NonNullable<ParsedEnv["AZURE_CLOUD"]> };

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigurationError";
  }
}

/** Validates a set of variables; throws ConfigurationError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const blanksRemoved = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(blanksRemoved);
  if (!result.success) {
    throw new ConfigurationError(
      result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  }
  return { ...result.data, AZURE_CLOUD: result.data.AZURE_CLOUD ?? "emulator" };
}

let cached: { env: Env; cloud: CloudProfile } | undefined;

export function getEnv(): Env {
  cached ??= load();
  return cached.env;
}

export function getCloud(): CloudProfile {
  cached ??= load();
  return cached.cloud;
}

function load() {
  const env = parseEnv(process.env);
  return { env, cloud: getCloudProfile(env.AZURE_CLOUD, env.EMULATOR_URL) };
}
