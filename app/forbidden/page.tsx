import type { Metadata } from "next";
import { getOperatorSession, OPERATOR_ROLES, type OperatorRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "No access" };

export default async function ForbiddenPage(props: { searchParams: Promise<{ needs?: string | string[] }> }) {
  const session = await getOperatorSession();
  const { needs } = await props.searchParams;
  // Only known role names are echoed back: the query string is the visitor's to change.
  const needed = String(needs ?? "")
    .split(",")
    .filter((r): r is OperatorRole => OPERATOR_ROLES.includes(r as OperatorRole));
  const missing = needed.length ? needed : OPERATOR_ROLES;
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">You do not have access to this</h1>
      <p className="mt-3 text-slate-700">
        {session ? (
          <>
            You are signed in as <strong>{session.upn}</strong> with{" "}
            {session.roles.length ? `the role(s) ${session.roles.join(", ")}` : "no Crosskey role"}.
          </>
        ) : (
          "You are not signed in."
        )}{" "}
        This page needs the <strong data-testid="missing-role">{missing.join(" or ")}</strong> role. An
        administrator of your organization can assign it to you on the Crosskey app in Microsoft Entra ID
        (Enterprise applications → Users and groups).
      </p>
      <form action="/auth/signout" method="post" className="mt-6">
        <button className="text-sm text-brand-700 underline">Sign out</button>
      </form>
    </main>
  );
}
