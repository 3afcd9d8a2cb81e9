export * from "./emailDomain";
