import type { GetServerSideProps } from "next";
import Head from "next/head";
import { NotFoundMessage } from "@/components/not-found-message";
import {
  decodeInviteLanding,
  INVITE_LANDING_HEADER,
  type InviteLandingData,
} from "@/lib/onboarding/invite-landing-data";
import { CustomerHeader } from "../../app/onboard/_components/customer-header";
import {
  InviteLanding,
  InviteProblem,
  inviteProblemTitle,
} from "../../app/onboard/_components/invite-landing";
import { stepTitle } from "../../app/onboard/_components/steps";

/**
 * The invite page on a first visit: someone who opens `/onboard/<token>` without a customer cookie gets this
 * page (proxy.ts rewrites the request here), rendered on the server with no script at all. The proxy read the
 * invite exactly as the App Router page does (`readInviteLanding`: rate limits, misses counted, a 404 on a
 * guessed token), since the Pages Router may not import server-only modules. Its Sign in link leads to `/onboard/<token>/sign-in`, an App Router page that loads MSAL: the
 * framework's JavaScript arrives when the customer asks to sign in, not before (docs/performance.md).
 */
// `runtime` is the default; said so the config type (which does not list unstable_runtimeJS) accepts it.
export const config = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = InviteLandingData;

// The proxy read the invite (rate limits, a miss counted) and handed the result over; this only renders it.
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  const props = decodeInviteLanding(req.headers[INVITE_LANDING_HEADER]);
  if (props.kind === "not-found") res.statusCode = 404;
  return { props };
};

export default function InviteLandingPage(props: Props) {
  const title =
    props.kind === "landing"
      ? stepTitle(props.view.state, false)
      : props.kind === "problem"
        ? inviteProblemTitle(props.code)
        : "Page not found";
  return (
    <>
      <Head>
        <title>{`${title} · Crosskey`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        {/* The token is in this page's address: it must not travel to any other site. */}
        <meta name="referrer" content="no-referrer" />
        <link rel="icon" href="/icon.svg" type="image/svg+xml" />
      </Head>
      {props.kind === "not-found" ? (
        <NotFoundMessage />
      ) : (
        <>
          <CustomerHeader isvName={props.isvName} />
          {props.kind === "landing" ? (
            <InviteLanding
              token={props.token}
              isvName={props.isvName}
              view={{ ...props.view, expiresAt: new Date(props.view.expiresAt) }}
            />
          ) : (
            <InviteProblem code={props.code} message={props.message} />
          )}
        </>
      )}
    </>
  );
}
