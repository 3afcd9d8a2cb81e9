export * from "./schoolCalendar";
export * from "./schoolDays";
export * from "./londonTime";
export { addDays, isoWeekday, mondayOf } from "./days";
