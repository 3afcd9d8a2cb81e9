export * from "./placeCharge";
