import type { Metadata } from "next";

export const metadata: Metadata = { title: "Session ended" };

export default function SessionEndedPage() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">Your session has ended</h1>
      <p className="mt-3 text-slate-700">
        For your security, sessions last two hours. Open your invite link again and sign in; everything you
        completed is saved.
      </p>
    </main>
  );
}
