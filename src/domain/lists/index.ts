export * from "./columns";
export * from "./listFields";
export * from "./lists";
export * from "./outcomeLists";
