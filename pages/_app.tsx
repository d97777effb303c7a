import type { AppProps } from "next/app";
import { GeistSans } from "geist/font/sans";
import { SkipLink } from "@/components/skip-link";
import "../app/globals.css";

// next/font cannot reach <html> from here (pages/_document may not use it), so the font is set on a wrapper;
// the App Router's root layout (app/layout.tsx) sets the same font through its CSS variable on <html>.
export default function App({ Component, pageProps }: AppProps) {
  return (
    <div className={`min-h-screen ${GeistSans.className}`}>
      <SkipLink />
      <Component {...pageProps} />
    </div>
  );
}
