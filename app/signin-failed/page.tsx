import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";

export const metadata: Metadata = { title: "Sign-in failed" };

export default async function SignInFailedPage(props: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await props.searchParams;
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">Sign-in did not complete</h1>
      <p className="mt-3 text-slate-700">{reason?.slice(0, 300) ?? "The sign-in could not be completed."}</p>
      <ButtonLink href="/auth/signin" className="mt-6" prefetch={false}>
        Try again
      </ButtonLink>
    </main>
  );
}
