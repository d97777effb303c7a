import type { Metadata } from "next";

export const metadata: Metadata = { title: "Consent response not accepted" };

export default function ConsentRejectedPage() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">We could not accept that consent response</h1>
      <p className="mt-3 text-slate-700">
        The response from Microsoft did not match a consent request started in this browser in the last ten
        minutes, or it was already used. Nothing was changed.
      </p>
      <p className="mt-3 text-slate-700">
        Open your invite link again in the same browser and choose <strong>Grant admin consent</strong> from
        there.
      </p>
    </main>
  );
}
