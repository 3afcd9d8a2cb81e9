export * from "./placeCharge";
export * from "./placementCharge";
export * from "./purchaseOrder";
export * from "./poundsAsPence";
