import { describe, expect, it } from "vitest";
import { logLine, scrubMessage, structuredLog, type LogContext } from "../../src/app/log/structuredLog";

const pupil = { name: "Zoë D'Arcy-Ångström", upn: "F801200100001", dob: "14/03/2012", isoDob: "2012-03-14", email: "zoe.darcy@home.example", phone: "07700 900123", postcode: "LE1 6ZZ" };
const secrets = Object.values(pupil);

function capture(): { context: LogContext; lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  return { lines, context: { invocationId: "inv-1", functionName: "caseIntake", log: push, warn: push, error: push } };
}

describe("structured logs", () => {
  it("write one JSON line with the invocation id, the function and the case reference", () => {
    const { context, lines } = capture();
    structuredLog(context, {}, () => new Date("2026-11-25T10:00:00Z")).forCase("LNCIP-2026-0042").info("Case written", { responseId: "r-1", outcome: "written", count: 2 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ at: "2026-11-25T10:00:00.000Z", level: "information", function: "caseIntake", invocationId: "inv-1", caseRef: "LNCIP-2026-0042", responseId: "r-1", outcome: "written", count: 2, message: "Case written" });
  });

  it("never write a free-text field, whatever is in it: the key is listed as refused, the value is gone", () => {
    const { context, lines } = capture();
    const log = structuredLog(context);
    log.warn("Referral refused", { concerns: `${pupil.name} born ${pupil.dob}`, pupilName: pupil.name, upn: pupil.upn, dateOfBirth: pupil.isoDob, caseRef: "LNCIP-2026-0001" });
    log.error("Could not write", { errorName: `${pupil.name}`, school: pupil.upn, outcome: `${pupil.email}` });
    for (const line of lines) for (const s of secrets) expect(line).not.toContain(s);
    expect(JSON.parse(lines[0]!).refused).toEqual(["concerns", "pupilName", "upn", "dateOfBirth"]);
    expect(JSON.parse(lines[1]!).refused).toEqual(["errorName", "school", "outcome"]);
  });

  it("scrub a message that a developer built from personal data (UPN, dates, email, phone, postcode), keeping case references", () => {
    const message = `LNCIP-2026-0042 for ${pupil.upn}, born ${pupil.dob} (${pupil.isoDob}, 14th March 2012), ${pupil.email}, ${pupil.phone}, ${pupil.postcode}`;
    const line = logLine("information", { invocationId: "i", functionName: "f" }, message);
    for (const s of secrets.filter((s) => s !== pupil.name)) expect(line).not.toContain(s);
    expect(line).not.toContain("14th March 2012");
    expect(JSON.parse(line).message).toMatch(/^LNCIP-2026-0042 for \[removed\], born \[removed\]/);
    expect(scrubMessage("Cases: 3 changed item(s), 2 handled")).toBe("Cases: 3 changed item(s), 2 handled");
  });
  it("keep the app's identifiers that carry a working day (a meeting key, an effect key), never a date of birth glued to one", () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const line = (m: string) => JSON.parse(logLine("information", { invocationId: "i", functionName: "f" }, m, {}, now)).message as string;
    expect(line("LNCIP-2026-0042: on the agenda of CG-2026-12-03 (rolled on from CG-2026-11-19)")).toBe("LNCIP-2026-0042: on the agenda of CG-2026-12-03 (rolled on from CG-2026-11-19)");
    expect(line("Attendance digest attendance:120345:2026-12-03:digest not sent (Error)")).toBe("Attendance digest attendance:120345:2026-12-03:digest not sent (Error)");
    expect(line("invite:IF-2026-12-09:LNCIP-2026-0042 done")).toBe("invite:IF-2026-12-09:LNCIP-2026-0042 done");
    // A pupil's date of birth is years from any working day: removed, even when written like an identifier.
    for (const m of [`dob:${pupil.isoDob}`, `CG-${pupil.isoDob}`, `pupil-${pupil.isoDob}:x`]) {
      expect(line(m)).not.toContain(pupil.isoDob);
      expect(line(m)).toContain("[removed]");
    }
    // A free-standing date is still removed, and so is a date with a time.
    expect(line("born 2026-11-30")).toBe("born [removed]");
    expect(line("CG-2026-12-03T16:00:00Z")).toBe("CG-[removed]");
  });
});
