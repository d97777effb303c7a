import type { Metadata } from "next";
import { requireOperatorPage, WRITE_ROLES } from "@/lib/auth/operator";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Invite a customer" };

export default async function NewInvitePage() {
  await requireOperatorPage(WRITE_ROLES);
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold text-slate-900">Invite a customer</h1>
      <p className="text-slate-600">
        Creates the customer and a personal link for their administrator. The link is shown once; it expires
        after the configured number of days and can be revoked or re-issued from the onboarding page.
      </p>
      <InviteForm />
    </div>
  );
}
