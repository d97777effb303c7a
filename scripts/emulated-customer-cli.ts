/**
 * Plays a customer's admin against the emulator, for the benchmark and the demo seed (run with the emulator's
 * CA in NODE_EXTRA_CA_CERTS): `… consent-and-key <emulatorUrl> <tenant> <vault> <key>` installs the ISV app,
 * runs the key script, and prints {"spObjectId","keyId"}. `… rotate-key <emulatorUrl> <tenant> <vault> <key>` makes a
 * new version as the customer's admin and prints {"keyId","version"}. `… control <emulatorUrl> <path> [json] [method]`.
 */
import {
  control,
  installApp,
  rotateCustomerKey,
  runCustomerScript,
  TENANTS,
} from "./lib/emulated-customer.ts";

const [command, emulatorUrl, ...rest] = process.argv.slice(2);
if (!emulatorUrl) throw new Error("usage: emulated-customer-cli <consent-and-key|control> <emulatorUrl> …");
if (command === "consent-and-key") {
  const [tenantName = "contoso", vaultName = "kv-demo", keyName = "cmk"] = rest;
  const tenant = TENANTS[tenantName as keyof typeof TENANTS];
  if (!tenant) throw new Error(`unknown demo tenant ${tenantName}`);
  const adminUpn = `admin@${tenant.domain}`;
  const spObjectId = await installApp(
    emulatorUrl,
    tenant.id,
    adminUpn,
    "22222222-2222-4222-8222-222222222222",
  );
  const { keyId } = await runCustomerScript({
    emulatorUrl,
    tenant,
    adminUpn,
    spObjectId,
    vaultName,
    keyName,
  });
  console.log(JSON.stringify({ spObjectId, keyId, tenantId: tenant.id }));
} else if (command === "rotate-key") {
  const [tenantName = "contoso", vaultName = "kv-demo", keyName = "cmk"] = rest;
  const tenant = TENANTS[tenantName as keyof typeof TENANTS];
  if (!tenant) throw new Error(`unknown demo tenant ${tenantName}`);
  const rotated = await rotateCustomerKey(emulatorUrl, tenant, vaultName, keyName);
  console.log(JSON.stringify({ keyId: rotated.id, version: rotated.properties.version }));
} else if (command === "control") {
  const [path = "health", json, method] = rest;
  console.log(JSON.stringify(await control(emulatorUrl, path, json ? JSON.parse(json) : undefined, method)));
} else {
  throw new Error(`unknown command ${command}`);
}
