import { Head, Html, Main, NextScript } from "next/document";

/**
 * The Pages Router serves one page: the customer's first visit to an invite link, without any script
 * (pages/onboard-landing/[token].tsx). Everything else is the App Router's (app/).
 */
export default function Document() {
  return (
    <Html lang="en">
      <Head />
      <body className="min-h-screen">
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
