import Link from "next/link";
import { requireOperatorPage } from "@/lib/auth/operator";
import { getEnv } from "@/lib/env";

const NAV = [
  { href: "/console", label: "Onboardings" },
  { href: "/console/invites/new", label: "Invite a customer" },
  { href: "/console/resources", label: "Resources" },
  { href: "/console/operations", label: "Fleet operations" },
  { href: "/console/approvals", label: "Approvals" },
  { href: "/console/health", label: "Key health" },
  { href: "/console/notifications", label: "Notifications" },
  { href: "/console/audit", label: "Audit log" },
  { href: "/console/setup", label: "Identity set-up" },
];

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const session = await requireOperatorPage();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
          <div className="flex flex-wrap items-center gap-x-8 gap-y-2">
            <Link href="/console" className="font-semibold text-slate-900">
              Crosskey <span className="font-normal text-slate-600">· {getEnv().ISV_NAME}</span>
            </Link>
            <nav aria-label="Console">
              <ul className="-mx-3 flex flex-wrap gap-1 sm:mx-0">
                {NAV.map((item) => (
                  <li key={item.href}>
                    <Link href={item.href} className="nav-link">
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
            className="flex min-w-0 flex-wrap items-center gap-x-3 text-sm text-slate-600"
          >
            <span className="min-w-0 break-words">
              {session.name}
              {session.roles.length > 0 && (
                <span className="text-slate-600"> ({session.roles.join(", ")})</span>
              )}
            </span>
            <button type="submit" className="rounded-md px-2 py-1 text-brand-700 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
