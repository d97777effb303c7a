import "server-only";
import { z } from "zod";

/**
 * Webhook endpoints are https, without credentials in the URL, on the default port or a high one. Plain http
 * is allowed only for the hosts an operator lists in WEBHOOK_ALLOW_HTTP_HOSTS (a local receiver in the demo).
 */
export function webhookUrlSchema(allowHttpHosts: readonly string[]) {
  return z
    .string()
    .trim()
    .max(2048, "The URL is longer than 2,048 characters.")
    .refine((v) => URL.canParse(v), "Enter a full URL, such as https://ops.example.com/hooks/crosskey.")
    .transform((v) => new URL(v))
    .refine(
      (u) =>
        u.protocol === "https:" ||
        (u.protocol === "http:" && allowHttpHosts.includes(u.hostname.toLowerCase())),
      "Webhook URLs must use https.",
    )
    .refine(
      (u) => !u.username && !u.password,
      "Put no user name or password in the URL; use the signing secret.",
    )
    .refine((u) => !u.hash, "Remove the #fragment from the URL.")
    .transform((u) => u.toString());
}
