export * from "./graphErrors";
export * from "./site";
export * from "./list";
export * from "./items";
