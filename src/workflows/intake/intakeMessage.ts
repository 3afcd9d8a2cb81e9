import { z } from "zod";

/** The queue message that asks for an accepted submission to be written to SharePoint: its response id only. */
export const intakeMessageSchema = z.strictObject({ responseId: z.string().min(1).max(200) });
export type IntakeMessage = z.infer<typeof intakeMessageSchema>;
export const CASE_INTAKE_QUEUE = "case-intake";
