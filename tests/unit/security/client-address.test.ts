import { describe, expect, it } from "vitest";
import { clientAddressFrom } from "../../../lib/request-context";

const headers = (values: Record<string, string>) => new Headers(values);

describe("[security] the client's address behind proxies", () => {
  it("believes only the entries the trusted proxies appended, never what the client wrote", () => {
    // The client forged an entry; the one proxy in front (App Service) appended what it saw.
    const forged = headers({ "x-forwarded-for": "203.0.113.66, 198.51.100.7" });
    expect(clientAddressFrom(forged, { trustedHops: 1 })).toBe("198.51.100.7");
    // Front Door, then App Service: the client is two places from the right.
    const twoHops = headers({ "x-forwarded-for": "203.0.113.66, 198.51.100.7, 10.0.0.4" });
    expect(clientAddressFrom(twoHops, { trustedHops: 2 })).toBe("198.51.100.7");
  });

  it("a client rotating forged entries stays one address", () => {
    const seen = new Set(
      Array.from({ length: 20 }, (_, i) =>
        clientAddressFrom(headers({ "x-forwarded-for": `10.9.9.${i}, 198.51.100.7` }), { trustedHops: 1 }),
      ),
    );
    expect([...seen]).toEqual(["198.51.100.7"]);
  });

  it("with no proxy, the address Next.js filled in from the socket; one spelling per address", () => {
    expect(clientAddressFrom(headers({ "x-forwarded-for": "::ffff:127.0.0.1" }), { trustedHops: 0 })).toBe(
      "127.0.0.1",
    );
    expect(clientAddressFrom(headers({}), { trustedHops: 1 })).toBe("unknown");
  });

  it("a platform header wins over X-Forwarded-For when configured", () => {
    const h = headers({ "x-forwarded-for": "203.0.113.66", "x-azure-clientip": "198.51.100.9" });
    expect(clientAddressFrom(h, { trustedHops: 0, header: "x-azure-clientip" })).toBe("198.51.100.9");
    expect(clientAddressFrom(headers({}), { trustedHops: 0, header: "x-azure-clientip" })).toBe("unknown");
  });

  it("a chain shorter than the configured hops falls back to its first entry", () => {
    expect(clientAddressFrom(headers({ "x-forwarded-for": "198.51.100.7" }), { trustedHops: 3 })).toBe(
      "198.51.100.7",
    );
  });
});
