import { ButtonLink } from "@/components/ui/button";
import { getEnv } from "@/lib/env";

const phases = [
  {
    title: "1 · Your identity, once",
    body: "A multi-tenant app, a user-assigned managed identity and the federated credential that ties them. Crosskey checks them through Graph and ARM and repairs what is missing.",
  },
  {
    title: "2 · Your customer authorizes",
    body: "From an invite link, the customer's admin signs in, grants admin consent, runs scripts filled with their own values, and pastes a key URI that Crosskey verifies live, hop by hop.",
  },
  {
    title: "3 · Your resources encrypt",
    body: "Crosskey writes the customer's key to your Storage accounts, Cosmos DB accounts, disk encryption sets and Azure SQL servers as durable jobs, and keeps watching it.",
  },
];

export default function LandingPage() {
  const { ISV_NAME } = getEnv();
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-12 sm:px-6 sm:py-16">
      <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase">Crosskey for {ISV_NAME}</p>
      <h1 className="mt-3 text-4xl font-bold tracking-tight text-slate-900">
        Your customers hold the keys. You run the service.
      </h1>
      <p className="mt-4 max-w-3xl text-lg text-slate-600">
        Enterprise customers want their data in your Azure resources encrypted with a key that lives in{" "}
        <em>their</em> tenant and that they can revoke. Azure supports it through cross-tenant
        customer-managed keys; Crosskey turns the two-tenant, seven-step procedure into an invite link, a
        verified key and a button.
      </p>
      <div className="mt-8 flex flex-wrap gap-3">
        <ButtonLink href="/console">Open the operator console</ButtonLink>
        <ButtonLink href="/api/health" variant="secondary" prefetch={false}>
          Service health
        </ButtonLink>
      </div>
      <section aria-labelledby="how" className="mt-14">
        <h2 id="how" className="text-xl font-semibold text-slate-900">
          How it works
        </h2>
        <ul className="mt-4 grid gap-4 md:grid-cols-3">
          {phases.map((p) => (
            <li key={p.title} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
              <h3 className="font-semibold text-slate-900">{p.title}</h3>
              <p className="mt-2 text-sm text-slate-600">{p.body}</p>
            </li>
          ))}
        </ul>
      </section>
      <p className="mt-12 text-sm text-slate-500">
        Customers: you reach your own page through the invite link {ISV_NAME} sent you.
      </p>
    </main>
  );
}
