/** The 404 page's words (app/not-found.tsx, and an unknown invite link on its script-free first visit). */
export function NotFoundMessage() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold text-slate-900">This page does not exist</h1>
      <p className="mt-3 text-slate-600">
        If you followed an invite link, it may be incomplete: copy the whole link from the message you
        received.
      </p>
      {/* Also rendered by the script-free invite page (pages/), where a plain link is all there is. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
      <a href="/" className="btn btn-secondary mt-6">
        Go to the start page
      </a>
    </main>
  );
}
