export * from "./reportInputs";
export * from "./wholePercent";
export * from "./academicYear";
export * from "./progressSummary";
export * from "./chargeLines";
export * from "./directorsWeek";
export * from "./ofstedPack";
export * from "./termlyStatement";
