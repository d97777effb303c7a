import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold text-slate-900">This page does not exist</h1>
      <p className="mt-3 text-slate-600">
        If you followed an invite link, it may be incomplete: copy the whole link from the message you
        received.
      </p>
      <ButtonLink href="/" className="mt-6" variant="secondary">
        Go to the start page
      </ButtonLink>
    </main>
  );
}
