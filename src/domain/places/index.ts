export * from "./places";
