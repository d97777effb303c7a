/** Every customer page opens with who is asking, as the page's banner (app/onboard/layout.tsx, pages/onboard-landing). */
export function CustomerHeader({ isvName }: { isvName: string }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <p className="mx-auto max-w-4xl px-4 py-3 text-sm font-semibold text-brand-700 sm:px-6">
        {isvName} · customer-managed keys
      </p>
    </header>
  );
}
