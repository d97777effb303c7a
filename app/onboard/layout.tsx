import { getEnv } from "@/lib/env";

/** Every customer page opens with who is asking, as the page's banner. */
export default function CustomerLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <p className="mx-auto max-w-4xl px-4 py-3 text-sm font-semibold text-brand-700 sm:px-6">
          {getEnv().ISV_NAME} · customer-managed keys
        </p>
      </header>
      {children}
    </>
  );
}
