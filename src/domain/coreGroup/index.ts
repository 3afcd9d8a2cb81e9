export * from "./voting";
