export * from "./reminderRules";
