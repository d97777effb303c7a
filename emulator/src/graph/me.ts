import { GraphError, denied } from "./errors.js";
import { select } from "./serialize.js";
import type { GraphRoute } from "./types.js";

/** Scopes that let a delegated caller read its own profile (Graph "Get user": least privileged User.Read). */
const ME_SCOPES = [
  "User.Read",
  "User.ReadWrite",
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Directory.AccessAsUser.All",
];

/**
 * `GET /me`: the signed-in user (what `az ad signed-in-user show` sends). App-only tokens have no user: Graph
 * answers 400 `BadRequest` "/me request is only valid with delegated authentication flow."
 */
export const meRoutes: GraphRoute[] = [
  {
    method: "GET",
    pattern: /^\/me$/,
    operation: "me.get",
    handle(r) {
      const user = r.caller.user;
      if (!user)
        throw new GraphError(
          400,
          "BadRequest",
          "/me request is only valid with delegated authentication flow.",
        );
      if (!r.caller.scopes.some((s) => ME_SCOPES.includes(s))) throw denied();
      const [givenName = null, ...rest] = user.displayName.split(" ");
      const body = {
        id: user.id,
        businessPhones: [],
        displayName: user.displayName,
        givenName,
        jobTitle: null,
        mail: null,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: null,
        surname: rest.length ? rest.join(" ") : null,
        userPrincipalName: user.upn,
      };
      return {
        status: 200,
        body: { "@odata.context": `${r.context}users/$entity`, ...select(body, r.query.get("$select")) },
      };
    },
  },
];
