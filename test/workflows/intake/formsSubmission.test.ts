import { describe, expect, it } from "vitest";
import { MAX_SUBMISSION_BYTES, readFormsSubmission } from "../../../src/workflows/intake/formsSubmission";

const envelope = {
  responseId: "17",
  submittedAt: "2026-11-23T09:12:00Z",
  responder: "senco@oakfield.example",
  answers: { requestType: "Partnership referral" },
};

describe("readFormsSubmission", () => {
  it("accepts the envelope the flow posts", () => {
    const read = readFormsSubmission(JSON.stringify(envelope));
    expect(read).toEqual({ ok: true, submission: envelope });
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["an array", "[]", /not a Forms submission envelope/],
    ["a number answer", JSON.stringify({ ...envelope, answers: { yearGroup: 9 } }), /answers\.yearGroup/],
    ["no responseId", JSON.stringify({ ...envelope, responseId: "" }), /responseId/],
    ["a bad date", JSON.stringify({ ...envelope, submittedAt: "yesterday" }), /submittedAt/],
    ["an unknown property", JSON.stringify({ ...envelope, extra: 1 }), /not a Forms submission envelope/],
  ])("refuses %s with a 400", (_name, body, message) => {
    const read = readFormsSubmission(body);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problem.status).toBe(400);
      expect(read.problem.message).toMatch(message);
    }
  });

  it("refuses a body over 256 KB before parsing it", () => {
    const big = JSON.stringify({ ...envelope, answers: { concerns: "x".repeat(MAX_SUBMISSION_BYTES) } });
    const read = readFormsSubmission(big);
    expect(read.ok || read.problem.message).toMatch(/larger than 256 KB/);
  });
});
