import { entraTimestamp, newId } from "../core/ids.js";

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:8vh auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 12px}.brand{font-weight:600;color:#5e5e5e;margin-bottom:20px}
.muted{color:#5e5e5e;font-size:13px}ul{list-style:none;padding:0;margin:0}
button.account{display:block;width:100%;text-align:left;background:none;border:0;border-bottom:1px solid #e5e5e5;padding:12px 4px;font:inherit;cursor:pointer}
button.account:hover,button.account:focus{background:#f2f2f2}.account strong{display:block}
label{display:block;margin:18px 0 4px}input[type=email],input[type=text]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font:inherit}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}
.primary{background:#0067b8;color:#fff;border:0;padding:6px 24px;font:inherit;cursor:pointer}.secondary{background:#ccc;border:0;padding:6px 24px;font:inherit;cursor:pointer}
.error{color:#e81123}.perm{border-top:1px solid #e5e5e5;padding:8px 0}code{font-size:12px;word-break:break-all}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main><div class="brand">Microsoft (Crosskey emulator)</div>${body}</main></body></html>`;
}

export interface AccountChoice {
  upn: string;
  displayName: string;
  tenantName: string;
}

/** "Pick an account": one button per known user, plus a field to type another account's UPN. */
export function accountPickerPage(input: {
  action: string;
  ctx: string;
  heading: string;
  subtitle: string;
  accounts: AccountChoice[];
  error?: string;
}): string {
  const accounts = input.accounts
    .map(
      (a) =>
        `<li><button class="account" type="submit" name="login" value="${esc(a.upn)}"><strong>${esc(a.displayName)}</strong>${esc(a.upn)} <span class="muted">· ${esc(a.tenantName)}</span></button></li>`,
    )
    .join("");
  return layout(
    input.heading,
    `<h1>${esc(input.heading)}</h1><p class="muted">${esc(input.subtitle)}</p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ""}
<form method="post" action="${esc(input.action)}"><input type="hidden" name="ctx" value="${esc(input.ctx)}"><ul aria-label="Accounts">${accounts}</ul></form>
<form method="post" action="${esc(input.action)}"><input type="hidden" name="ctx" value="${esc(input.ctx)}">
<label for="other">Use another account</label><input id="other" type="email" name="login" placeholder="someone@example.com" required>
<div class="actions"><button class="primary" type="submit">Next</button></div></form>`,
  );
}

/** The admin consent prompt: app name, publisher, permissions, Accept / Cancel. */
export function consentPage(input: {
  action: string;
  ctx: string;
  appName: string;
  publisher: string;
  verified: boolean;
  upn: string;
  tenantName: string;
  permissions: string[];
}): string {
  const perms = input.permissions.map((p) => `<li class="perm"><code>${esc(p)}</code></li>`).join("");
  return layout(
    "Permissions requested",
    `<p class="muted">${esc(input.upn)}</p><h1>Permissions requested</h1>
<p><strong>${esc(input.appName)}</strong><br><span class="muted">${input.verified ? "Verified publisher: " : "Unverified · "}${esc(input.publisher)}</span></p>
<p>This app would like to:</p><ul>${perms}</ul>
<p class="muted">Accepting grants these permissions for all users in <strong>${esc(input.tenantName)}</strong> and creates the app's service principal there.</p>
<form method="post" action="${esc(input.action)}"><input type="hidden" name="ctx" value="${esc(input.ctx)}">
<div class="actions"><button class="secondary" type="submit" name="decision" value="cancel">Cancel</button><button class="primary" type="submit" name="decision" value="accept">Accept</button></div></form>`,
  );
}

/** Entra's interrupt for a user who cannot consent (AADSTS90094), with the way back to the app. */
export function needAdminApprovalPage(input: { appName: string; upn: string; returnUrl: string }): string {
  return layout(
    "Need admin approval",
    `<p class="muted">${esc(input.upn)}</p><h1>Need admin approval</h1>
<p><strong>${esc(input.appName)}</strong> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p class="muted">AADSTS90094: Admin consent is required for the permissions requested by this application.</p>
<p><a id="return" href="${esc(input.returnUrl)}">Return to the application without granting consent</a></p>`,
  );
}

/** Entra's error page: used where it must not redirect (unregistered redirect URI, unknown app, unknown tenant). */
export function errorPage(input: { code: number; text: string; now: Date }): string {
  return layout(
    "Sign in error",
    `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="error" role="alert" data-aadsts="${input.code}">AADSTS${input.code}: ${esc(input.text)}</p>
<p class="muted">Trace ID: ${newId()}<br>Correlation ID: ${newId()}<br>Timestamp: ${entraTimestamp(input.now)}</p>`,
  );
}

export function successPage(message: string): string {
  return layout("Done", `<h1>${esc(message)}</h1><p class="muted">You can close this window.</p>`);
}

/** response_mode=form_post: a self-submitting form to the redirect URI. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  return `<!doctype html><html><head><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="POST" name="hiddenform" action="${esc(action)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form></body></html>`;
}
