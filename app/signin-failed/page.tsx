import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { SIGN_IN_FAILURES, type SignInFailure } from "@/lib/auth/sign-in-failure";

export const metadata: Metadata = { title: "Sign-in failed" };

export default async function SignInFailedPage(props: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await props.searchParams;
  // Only the page's own sentences: the reason is a code, anything else gets the general one.
  const sentence = Object.hasOwn(SIGN_IN_FAILURES, reason ?? "")
    ? SIGN_IN_FAILURES[reason as SignInFailure]
    : SIGN_IN_FAILURES.failed;
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 sm:px-6 sm:py-24">
      <h1 className="text-2xl font-bold text-slate-900">Sign-in did not complete</h1>
      <p className="mt-3 text-slate-700">{sentence}</p>
      <ButtonLink href="/auth/signin" className="mt-6" prefetch={false}>
        Try again
      </ButtonLink>
    </main>
  );
}
