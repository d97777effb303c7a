import type { Emulator } from "../emulator.js";
import type { Tenant } from "../core/directory.js";

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1b1b1b}header{background:#0f2a4a;color:#fff;padding:12px 24px}
main{max-width:980px;margin:24px auto;padding:0 16px}section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:16px 20px;margin-bottom:16px}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:0 0 8px}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
label{display:inline-block;margin:4px 12px 4px 0}input,select{font:inherit;padding:3px 6px}button{font:inherit;padding:4px 12px;background:#0067b8;color:#fff;border:0;border-radius:3px;cursor:pointer}
button.secondary{background:#5e5e5e}.ok{color:#107c10}.bad{color:#a80000}.status{padding:8px 12px;border-radius:4px;background:#e8f3e8}.status.error{background:#fde7e9}
nav a{margin-right:12px}code{font-size:12px;word-break:break-all}form.inline{display:inline}`;

export interface PortalView {
  tenant?: Tenant;
  message?: { text: string; error: boolean };
  isvAppId: string;
}

/** The demo portal: act as a tenant's admin to create a vault and key, grant the ISV app, disable a key. */
export function renderPortal(emu: Emulator, view: PortalView): string {
  const tenants = emu.directory.listTenants();
  const nav = tenants
    .map(
      (t) =>
        `<a href="/?tenant=${t.id}"${t.id === view.tenant?.id ? ' aria-current="page"' : ""}>${esc(t.displayName)}</a>`,
    )
    .join("");
  const status = view.message
    ? `<p class="status${view.message.error ? " error" : ""}" role="status" aria-live="polite">${esc(view.message.text)}</p>`
    : `<p role="status" aria-live="polite"></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Crosskey emulator portal</title><meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><header><h1>Local Azure (Crosskey emulator)</h1></header><main><nav aria-label="Tenants">${nav}</nav>${status}
${view.tenant ? tenantSections(emu, view.tenant, view.isvAppId) : "<section><p>Pick a tenant to act as its administrator.</p></section>"}</main></body></html>`;
}

function tenantSections(emu: Emulator, t: Tenant, isvAppId: string): string {
  const admin = t.users.find((u) => u.directoryRoles.includes("Global Administrator"));
  const subs = [...emu.arm.subscriptions.values()].filter(
    (s) => s.tenantId.toLowerCase() === t.id.toLowerCase(),
  );
  const vaults = subs.flatMap((s) =>
    emu.arm.listResources(`/subscriptions/${s.subscriptionId}`, "Microsoft.KeyVault/vaults"),
  );
  const sp = emu.directory.findServicePrincipal(t.id, isvAppId);
  const app = emu.directory.getApplication(isvAppId);
  const hidden = `<input type="hidden" name="tenant" value="${t.id}">`;
  const subOptions = subs
    .map((s) => `<option value="${s.subscriptionId}">${esc(s.displayName)}</option>`)
    .join("");
  const vaultRows = vaults
    .map((v) => {
      const host = new URL(String(v.properties.vaultUri)).host;
      const keys = emu.keyVault
        .listKeys(host)
        .map((k) => {
          const toggle = `<form class="inline" method="post" action="/_portal/key-enabled">${hidden}<input type="hidden" name="vault" value="${host}"><input type="hidden" name="key" value="${esc(k.name)}"><input type="hidden" name="enabled" value="${k.enabled ? "false" : "true"}"><button class="secondary">${k.enabled ? "Disable" : "Enable"}</button></form>`;
          return `<li><code>https://${host}/keys/${esc(k.name)}</code> ${esc(k.kty)}${k.size ? ` ${k.size}` : ""} <span class="${k.enabled ? "ok" : "bad"}">${k.enabled ? "enabled" : "disabled"}</span> ${toggle}</li>`;
        })
        .join("");
      const granted =
        sp &&
        [...emu.arm.roleAssignments.values()].some(
          (a) => a.principalId === sp.id && a.scope.toLowerCase().startsWith(v.id.toLowerCase()),
        );
      return `<tr><td><strong>${esc(v.name)}</strong><br><span class="muted">${esc(v.location)} · purge protection ${v.properties.enablePurgeProtection ? "on" : "off"}</span></td>
<td><ul>${keys || "<li>No keys</li>"}</ul><form method="post" action="/_portal/key">${hidden}<input type="hidden" name="vault" value="${host}">
<label>Key name <input name="name" required pattern="[0-9a-zA-Z-]{1,127}" value="cmk"></label><label>Type <select name="kty"><option>RSA</option><option>RSA-HSM</option><option>EC</option></select></label>
<label>Size <select name="size"><option>2048</option><option selected>3072</option><option>4096</option></select></label><button>Create key</button></form></td>
<td>${granted ? '<span class="ok">ISV app granted</span>' : `<form method="post" action="/_portal/grant">${hidden}<input type="hidden" name="scope" value="${esc(v.id)}"><button>Grant ${esc(app?.displayName ?? "ISV app")}</button></form>`}</td></tr>`;
    })
    .join("");
  const hsmRows = subs
    .flatMap((s) =>
      emu.arm.listResources(`/subscriptions/${s.subscriptionId}`, "Microsoft.KeyVault/managedHSMs"),
    )
    .map((h) => {
      const host = new URL(String(h.properties.hsmUri)).host;
      const hsmField = `${hidden}<input type="hidden" name="hsm" value="${host}">`;
      const local = emu.keyVault.hsmRbac.list(host);
      const keys = emu.keyVault
        .listKeys(host)
        .map((k) => {
          const granted =
            sp &&
            local.some(
              (a) =>
                a.principalId === sp.id &&
                ["/", "/keys", `/keys/${k.name}`.toLowerCase()].includes(a.scope.toLowerCase()),
            );
          const grant = granted
            ? '<span class="ok">ISV app granted (local RBAC)</span>'
            : `<form class="inline" method="post" action="/_portal/hsm-grant">${hsmField}<input type="hidden" name="key" value="${esc(k.name)}"><button>Grant ${esc(app?.displayName ?? "ISV app")}</button></form>`;
          return `<li><code>https://${host}/keys/${esc(k.name)}</code> ${esc(k.kty)}${k.size ? ` ${k.size}` : ""} ${grant}</li>`;
        })
        .join("");
      return `<tr><td><strong>${esc(h.name)}</strong><br><span class="muted">${esc(h.location)} · local RBAC · purge protection ${h.properties.enablePurgeProtection ? "on" : "off"}</span></td>
<td><ul>${keys || "<li>No keys</li>"}</ul><form method="post" action="/_portal/hsm-key">${hsmField}
<label>Key name <input name="name" required pattern="[0-9a-zA-Z-]{1,127}" value="cmk"></label><label>Size <select name="size"><option>2048</option><option selected>3072</option><option>4096</option></select></label><button>Create RSA-HSM key</button></form></td></tr>`;
    })
    .join("");
  const hsmSection = hsmRows
    ? `<section aria-labelledby="hsms"><h2 id="hsms">Managed HSMs</h2><p>Roles on a Managed HSM are its own (local RBAC), not Azure role assignments.</p><table><thead><tr><th>HSM</th><th>Keys and access for the ISV</th></tr></thead><tbody>${hsmRows}</tbody></table></section>`
    : "";
  return `<section aria-labelledby="who"><h2 id="who">${esc(t.displayName)}</h2><p>Acting as <strong>${esc(admin?.upn ?? "no admin in this tenant")}</strong> (Global Administrator). Tenant ID <code>${t.id}</code>.</p>
<p>${esc(app?.displayName ?? isvAppId)}: ${sp ? `<span class="ok">installed</span> (service principal <code>${sp.id}</code>)` : `<span class="bad">not installed</span> <form class="inline" method="post" action="/_portal/install">${hidden}<button>Install (admin consent)</button></form>`}</p></section>
<section aria-labelledby="vaults"><h2 id="vaults">Key vaults</h2><table><thead><tr><th>Vault</th><th>Keys</th><th>Access for the ISV</th></tr></thead><tbody>${vaultRows || '<tr><td colspan="3">No vaults yet.</td></tr>'}</tbody></table></section>
${hsmSection}
<section aria-labelledby="new-vault"><h2 id="new-vault">Create a key vault</h2><form method="post" action="/_portal/vault">${hidden}
<label>Subscription <select name="subscriptionId">${subOptions}</select></label><label>Resource group <input name="resourceGroup" value="cmk" required></label>
<label>Name <input name="name" required pattern="[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]" value="${esc(t.domains[0]?.split(".")[0] ?? "customer")}-cmk"></label><label>Region <input name="location" value="westeurope" required></label>
<label><input type="checkbox" name="purgeProtection" value="true" checked> Purge protection</label><button>Create vault</button></form></section>`;
}
