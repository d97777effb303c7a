import "server-only";
import { revalidatePath } from "next/cache";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { recordAuditEvent, type Actor } from "@/lib/audit/record-audit-event";
import {
  clearCookie,
  type CustomerSession,
  type OperatorRole,
  type OperatorSession,
} from "@/lib/auth/session";
import { getValidCustomerSession } from "@/lib/auth/customer";
import { hasRole, operatorActor } from "@/lib/auth/operator";
import { getOperatorSession, getCustomerSession } from "@/lib/auth/session";
import { getDb, type Db } from "@/lib/db/client";
import { AppError, isAppError, type AppErrorCode } from "@/lib/errors";
import { loggerFor } from "@/lib/log";
import { currentClientAddress, currentRequestId } from "@/lib/request-context";
import {
  assertMissBudget,
  countMiss,
  enforceRateLimit,
  inviteKey,
  type LimitedStep,
} from "@/lib/security/rate-limit";

export { inviteKey };

/**
 * The one way a server action runs (every `"use server"` export in app/ is built with `serverAction`):
 *
 * 1. who: an operator holding one of `roles`, the signed-in customer whose invite still works, or anyone
 *    (`public`, e.g. starting sign-in), checked before anything is read;
 * 2. rate limits for customer and public steps (per invite and per client address; misses counted);
 * 3. the arguments parsed with the action's zod schema: a bad input changes nothing and says what is wrong;
 * 4. `run` with the session, the actor for audit events, the request ID and the database;
 * 5. one result shape for every failure (`ActionFailure`): AppError's words and code, field errors, the
 *    seconds to wait when rate limited; anything unexpected is logged with the request ID and reported as
 *    "nothing was changed" with that ID; a refused operator is audited;
 * 6. the paths to revalidate after a success.
 *
 * Next's own control flow (redirect, notFound) passes through untouched.
 */
export type ActionFailure = {
  ok: false;
  error: string;
  code: AppErrorCode;
  requestId?: string;
  fieldErrors?: Record<string, string[]>;
  retryAfterSeconds?: number;
};

export type Access =
  | { kind: "operator"; roles: readonly OperatorRole[] }
  | { kind: "customer"; limit?: LimitedStep }
  | { kind: "public"; limit: LimitedStep };

type SessionOf<A extends Access> = A extends { kind: "operator" }
  ? OperatorSession
  : A extends { kind: "customer" }
    ? CustomerSession
    : null;

export interface ActionContext<I, A extends Access> {
  input: I;
  session: SessionOf<A>;
  actor: Actor;
  requestId?: string;
  /** The client's address as the trusted proxies report it (lib/request-context.ts). */
  address: string;
  db: Db;
}

type Revalidate = string | [path: string, type: "page" | "layout"];

export interface ActionSpec<Args extends unknown[], S extends z.ZodType, A extends Access, R> {
  /** For logs and the audit of refusals. */
  name: string;
  access: A;
  /** Maps the call's arguments (as the client sends them) to what `input` parses. */
  args: (...args: Args) => unknown;
  input: S;
  /** The sentence a rejected input shows above its field errors; by default the first problem's message. */
  invalidMessage?: string;
  /**
   * The invite a public step is about (a token's hash), for its per-invite budget; customer steps use the
   * session's invite.
   */
  invite?: (input: z.output<S>) => Promise<string | undefined> | string | undefined;
  run: (ctx: ActionContext<z.output<S>, A>) => Promise<R>;
  /** A path, or a list of paths and [path, "page" | "layout"] pairs. */
  revalidate?: string | Revalidate[];
}

export const operator = (roles: readonly OperatorRole[]) => ({ kind: "operator", roles }) as const;
export const customer = (limit?: LimitedStep) => ({ kind: "customer", limit }) as const;
export const anyone = (limit: LimitedStep) => ({ kind: "public", limit }) as const;

/** Every server action's wrapper; see the comment above. Every action of app/ is listed in docs/security.md. */
export function serverAction<Args extends unknown[], S extends z.ZodType, A extends Access, R>(
  spec: ActionSpec<Args, S, A, R>,
): (...args: Args) => Promise<R | ActionFailure> {
  return async (...args: Args) => {
    const requestId = await currentRequestId();
    const db = getDb();
    let address = "unknown";
    try {
      address = await currentClientAddress();
      const { session, actor } = await authorize(db, spec, requestId);
      if (spec.access.kind === "public") await assertMissBudget(db, address);
      const step = spec.access.kind === "operator" ? undefined : spec.access.limit;
      if (step) await enforceRateLimit(db, { step, address });
      const parsed = spec.input.safeParse(spec.args(...args));
      if (!parsed.success) return invalid(parsed.error, spec.invalidMessage, requestId);
      if (step) {
        const invite =
          spec.access.kind === "customer"
            ? inviteKey((session as CustomerSession).inviteToken)
            : await spec.invite?.(parsed.data);
        if (invite) await enforceRateLimit(db, { step, invite });
      }
      const result = await spec.run({
        input: parsed.data,
        session: session as SessionOf<A>,
        actor,
        requestId,
        address,
        db,
      });
      revalidate(spec.revalidate);
      return result;
    } catch (error) {
      // An action that ends by sending the browser elsewhere succeeded: its pages are stale too.
      if (isRedirectError(error)) revalidate(spec.revalidate);
      unstable_rethrow(error);
      if (isAppError(error) && error.options.details?.miss === true && spec.access.kind !== "operator") {
        try {
          await countMiss(db, address);
        } catch (refused) {
          if (isAppError(refused)) return failureOf(refused, requestId);
          throw refused;
        }
      }
      if (error instanceof z.ZodError) return invalid(error, spec.invalidMessage, requestId);
      if (isAppError(error)) return failureOf(error, requestId);
      loggerFor(requestId, { action: spec.name }).error({ err: error }, "server action failed unexpectedly");
      return {
        ok: false,
        code: "INTERNAL",
        error: `Something went wrong on our side. Nothing was changed; try again in a moment (reference ${requestId ?? "unknown"}).`,
        requestId,
      };
    }
  };
}

function revalidate(paths: string | Revalidate[] | undefined) {
  for (const path of typeof paths === "string" ? [paths] : (paths ?? [])) {
    if (typeof path === "string") revalidatePath(path);
    else revalidatePath(path[0], path[1]);
  }
}

async function authorize(
  db: Db,
  spec: { name: string; access: Access },
  requestId: string | undefined,
): Promise<{ session: OperatorSession | CustomerSession | null; actor: Actor }> {
  const { access } = spec;
  if (access.kind === "operator") {
    const session = await getOperatorSession();
    if (!session) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
    if (!hasRole(session, access.roles)) {
      await recordAuditEvent(db, {
        actor: operatorActor(session),
        action: "authz.denied",
        targetType: "action",
        targetId: spec.name,
        outcome: "denied",
        details: { needs: [...access.roles], has: session.roles },
        requestId,
      });
      throw new AppError(
        "FORBIDDEN",
        `This needs one of these roles: ${access.roles.join(", ")}. You have: ${session.roles.join(", ") || "none"}.`,
      );
    }
    return { session, actor: operatorActor(session) };
  }
  if (access.kind === "customer") {
    const session = await getValidCustomerSession(db);
    if (!session) {
      // A revoked, re-issued or expired link ends the session at once; the page says what happened.
      if (await getCustomerSession()) await clearCookie("customer");
      redirect("/onboard/session-ended");
    }
    return { session, actor: { type: "CUSTOMER", id: session.upn } };
  }
  return { session: null, actor: { type: "ANONYMOUS" } };
}

function failureOf(error: AppError, requestId: string | undefined): ActionFailure {
  const field = error.options.details?.field;
  const retryAfter = error.options.details?.retryAfterSeconds;
  return {
    ok: false,
    code: error.code,
    error: error.message,
    requestId,
    ...(typeof field === "string" && { fieldErrors: { [field]: [error.message] } }),
    ...(typeof retryAfter === "number" && { retryAfterSeconds: retryAfter }),
  };
}

function invalid(
  error: z.ZodError,
  message: string | undefined,
  requestId: string | undefined,
): ActionFailure {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.filter((p) => typeof p === "string").join(".");
    if (field) (fieldErrors[field] ??= []).push(issue.message);
  }
  return {
    ok: false,
    code: "BAD_REQUEST",
    error: message ?? error.issues[0]?.message ?? "This request is malformed; reload the page.",
    requestId,
    ...(Object.keys(fieldErrors).length > 0 && { fieldErrors }),
  };
}
