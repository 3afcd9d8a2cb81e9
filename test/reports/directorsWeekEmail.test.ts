import { describe, expect, it } from "vitest";
import { schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { chargeLinesFromPlacements, directorsWeek } from "../../src/domain/reports";
import { directorsWeekEmail } from "../../src/reports/directorsWeekEmail";
import { cases, decisions, marks, placements, purchaseOrders, reviews, schools, today } from "../support/directorsWeekRows";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const week = directorsWeek({ today, calendar, places: { KS3: 2, KS4: 3 }, cases, placements, reviews, decisions, marks, schools, charges: chargeLinesFromPlacements(placements), purchaseOrders });

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

describe("the Director's week email", () => {
  it("shows each chart inline: a PNG per cid the body references", async () => {
    const mail = await directorsWeekEmail(week, { partnershipName: "LNCIP", caseUrl: (r) => `https://contoso.sharepoint.com/sites/lncip/Lists/Cases?ref=${r}` });
    expect(mail.subject).toBe("Director's week: w/c 2 Mar 2026");
    const cids = [...mail.html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    expect(cids).toEqual(mail.attachments.map((a) => a.contentId));
    for (const a of mail.attachments) {
      expect(a).toMatchObject({ contentType: "image/png", isInline: true });
      expect(a.contentBytes.subarray(0, 8)).toEqual(PNG);
      // Drawn at twice the chart's size (at least its 560-pixel plot plus axes).
      expect(pngSize(a.contentBytes).width).toBeGreaterThan(1120);
      expect(a.contentBytes.length).toBeGreaterThan(10_000); // lines, bars and text, not a blank page
    }
  }, 60_000);

  it("tabulates the week's figures by case reference and school, and names no pupil anywhere", async () => {
    const mail = await directorsWeekEmail(week, { partnershipName: "LNCIP" });
    expect(mail.html).toContain("<td style=\"border:1px solid #bbb;padding:3px 8px;text-align:left;\">Oakfield Academy</td>");
    expect(mail.html).toMatch(/LNCIP-2026-0032<\/td>.*?In triage.*?>15<\/td>/s);
    expect(mail.html).toMatch(/PO-BRK-1.*?£3,500\.00.*?£4,000\.00.*?-£500\.00/s);
    expect(mail.html).toContain("77.8%");
    const everything = [mail.subject, mail.html, ...mail.attachments.map((a) => a.name)].join("\n");
    for (const c of cases) {
      expect(everything).not.toContain(c.PupilFirstName);
      expect(everything).not.toContain(c.PupilLastName);
    }
  }, 60_000);
});
