import type { Metadata } from "next";

// The page itself is a client component, which cannot export metadata.
export const metadata: Metadata = { title: "Signing you in" };

export default function SignedInLayout({ children }: { children: React.ReactNode }) {
  return children;
}
