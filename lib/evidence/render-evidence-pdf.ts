import "server-only";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { EvidencePack } from "./build-evidence-pack";

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const WIDTH = A4[0] - 2 * MARGIN;

// The standard fonts speak WinAnsi only; other characters print as "?" (the JSON keeps every character).
const WIN_ANSI_EXTRA = new Set([..."€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"]);
const printable = (s: string) =>
  [...s].map((c) => (/[\x20-\x7e\xa0-\xff]/.test(c) || WIN_ANSI_EXTRA.has(c) ? c : "?")).join("");

/** The evidence pack as a document a person reads: the same facts as the JSON, section by section. */
export async function renderEvidencePdf(pack: EvidencePack, links: { jwksUrl: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Evidence pack: ${printable(pack.customer.name)}`);
  doc.setAuthor(printable(pack.isv.name));
  doc.setCreator("Crosskey");
  doc.setCreationDate(new Date(pack.generatedAt));
  const w = new Writer(doc, {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  });

  w.text(`Evidence pack: ${pack.customer.name}`, { font: "bold", size: 18 });
  w.text(`Prepared by ${pack.isv.name} with Crosskey on ${stamp(pack.generatedAt)} UTC.`);
  w.text(
    `Customer ID ${pack.customer.id}. ISV tenant ${pack.isv.tenantId}; CMK app (client ID) ${pack.isv.cmkAppId}.`,
  );
  w.text(
    `The machine-readable evidence.json carries the same facts; its detached JWS signature (evidence.json.jws) verifies with the key published at ${links.jwksUrl}.`,
  );

  w.heading("1. Consent");
  if (pack.consent.length === 0) w.text("No tenant has been invited.");
  for (const c of pack.consent) {
    w.field(
      "Tenant",
      `${c.tenantName ?? "not yet known"} (${c.tenantId ?? "no tenant yet"})${c.tenantDomain ? `, ${c.tenantDomain}` : ""}`,
    );
    w.field("State", c.state);
    w.field(
      "Consented",
      c.consentedAt ? `${stamp(c.consentedAt)} UTC by ${c.consentedBy ?? "unknown"}` : "not yet",
    );
    w.field(
      "Service principal",
      c.servicePrincipalObjectId
        ? `${c.servicePrincipalObjectId}, proved by ${c.provedBy}`
        : "not proved yet",
    );
    w.gap();
  }

  w.heading("2. Keys and the versions used");
  if (pack.keys.length === 0) w.text("No key has been handed over.");
  for (const k of pack.keys) {
    w.field("Key URI", k.keyUri, "mono");
    w.field(
      "Status",
      `${k.status}; verification ${k.verificationStatus}${k.lastVerifiedAt ? ` (last ${stamp(k.lastVerifiedAt)} UTC)` : ""}`,
    );
    w.field("Submitted", `${k.submittedAt ? `${stamp(k.submittedAt)} UTC ` : ""}by ${k.submittedBy}`);
    w.field(
      "Key",
      `${k.keyType ?? "?"} ${k.keySize ?? ""}${k.expiresAt ? `, expires ${stamp(k.expiresAt)}` : ", no expiry date"}`,
    );
    for (const v of k.versionsUsed) {
      w.field(
        "Version",
        `${v.version}${v.verifiedAt ? `, verified ${stamp(v.verifiedAt)} UTC` : ""}${v.appliedTo.length ? `; in use by ${v.appliedTo.length} resource(s) since ${stamp(v.appliedTo.map((a) => a.since).sort()[0]!)} UTC` : ""}`,
        "mono",
      );
    }
    w.gap();
  }

  w.heading("3. Verification and health results");
  events(w, pack.verifications, "No verification has run.");

  w.heading("4. Resources using the key");
  if (pack.resources.length === 0) w.text("No resource is assigned to this customer.");
  for (const r of pack.resources) {
    w.field(r.kind.replaceAll("_", " ").toLowerCase(), r.armId, "mono");
    w.field(
      "Encryption",
      `${r.state}${r.keyVersion ? `, key version ${r.keyVersion}` : ""} since ${stamp(r.since)} UTC (${r.region})`,
    );
    w.gap();
  }

  w.heading("5. Operations: apply, rotate, change, revert");
  events(w, pack.operations, "No operation has been requested.", true);

  w.heading("6. Audit chain");
  const a = pack.auditChain;
  w.field("Stream", a.stream, "mono");
  w.field(
    "Events",
    `${a.events}; ${a.intact ? "the chain is intact" : `BROKEN at event ${a.firstBreak?.id}: it ${a.firstBreak?.reason}`}`,
  );
  w.field("Head", `event number ${a.headSeq}, hash ${a.headHash ?? "none"}`, "mono");
  w.text(
    "Each audit event carries the hash of the one before it; the head hash above fixes every event of this customer up to this pack.",
  );

  w.footer(`Crosskey evidence pack · ${printable(pack.customer.name)} · ${stamp(pack.generatedAt)} UTC`);
  return doc.save();
}

function events(w: Writer, list: EvidencePack["operations"], none: string, people = false) {
  if (list.length === 0) w.text(none);
  for (const e of list) {
    const who = people
      ? `requested by ${e.requestedBy ?? "unknown"}${e.approvedBy ? `, approved by ${e.approvedBy}` : ""}${e.reason ? `; reason: ${e.reason}` : ""}`
      : `by ${e.actor ?? "unknown"}`;
    w.field(stamp(e.at), `${e.action} (${e.outcome}) ${who}${e.target ? ` · ${e.target}` : ""}`);
  }
}

const stamp = (isoTime: string) => isoTime.replace("T", " ").slice(0, 19);

type FontName = "regular" | "bold" | "mono";

/** A top-to-bottom text flow over A4 pages, wrapping at the margin (long IDs break anywhere). */
class Writer {
  private page: PDFPage;
  private y = 0;
  private pages: PDFPage[] = [];

  constructor(
    private doc: PDFDocument,
    private fonts: Record<FontName, PDFFont>,
  ) {
    this.page = this.newPage();
  }

  private newPage(): PDFPage {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
    return this.page;
  }

  text(text: string, o: { font?: FontName; size?: number; indent?: number } = {}) {
    const size = o.size ?? 10;
    const font = this.fonts[o.font ?? "regular"];
    for (const line of wrap(printable(text), font, size, WIDTH - (o.indent ?? 0))) {
      if (this.y < MARGIN + size) this.newPage();
      this.y -= size * 1.35;
      this.page.drawText(line, {
        x: MARGIN + (o.indent ?? 0),
        y: this.y,
        size,
        font,
        color: rgb(0.1, 0.12, 0.16),
      });
    }
  }

  heading(text: string) {
    this.y -= 10;
    this.text(text, { font: "bold", size: 13 });
    this.y -= 2;
  }

  field(label: string, value: string, font: FontName = "regular") {
    const size = 9;
    const labelWidth = 110;
    if (this.y < MARGIN + 2 * size) this.newPage();
    const startY = this.y - size * 1.35;
    this.page.drawText(printable(label), {
      x: MARGIN,
      y: startY,
      size,
      font: this.fonts.bold,
      color: rgb(0.3, 0.33, 0.4),
    });
    this.text(value, { font, size, indent: labelWidth });
  }

  gap() {
    this.y -= 6;
  }

  footer(text: string) {
    this.pages.forEach((p, i) =>
      p.drawText(`${text} · page ${i + 1} of ${this.pages.length}`, {
        x: MARGIN,
        y: 25,
        size: 7,
        font: this.fonts.regular,
        color: rgb(0.45, 0.48, 0.55),
      }),
    );
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/(\s+)/)) {
    const candidate = line + word;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line.trim()) lines.push(line.trimEnd());
    line = word.trimStart();
    while (font.widthOfTextAtSize(line, size) > width) {
      let cut = line.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line.trim() || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}
