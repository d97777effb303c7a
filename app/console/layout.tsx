import Link from "next/link";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";

const NAV = [
  { href: "/console", label: "Onboardings" },
  { href: "/console/invites/new", label: "Invite a customer" },
  { href: "/console/resources", label: "Resources" },
];

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const session = await requireOperatorPage();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-6 px-6 py-3">
          <div className="flex items-center gap-8">
            <Link href="/console" className="font-semibold text-slate-900">
              Crosskey <span className="font-normal text-slate-500">· {getEnv().ISV_NAME}</span>
            </Link>
            <nav aria-label="Console">
              <ul className="flex gap-1">
                {NAV.map((item) => (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
                    >
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
          <form
            action="/auth/signout"
            method="post"
            className="flex items-center gap-3 text-sm text-slate-600"
          >
            <span>
              {session.name} <span className="text-slate-400">({session.roles.join(", ")})</span>
            </span>
            <button type="submit" className="rounded-md px-2 py-1 text-brand-700 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
