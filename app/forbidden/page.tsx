import type { Metadata } from "next";
import { getOperatorSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "No access" };

export default async function ForbiddenPage() {
  const session = await getOperatorSession();
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
        An administrator of your organization can assign you the Operator, Support or Admin role on the
        Crosskey app in Microsoft Entra ID.
      </p>
      <form action="/auth/signout" method="post" className="mt-6">
        <button className="text-sm text-brand-700 underline">Sign out</button>
      </form>
    </main>
  );
}
