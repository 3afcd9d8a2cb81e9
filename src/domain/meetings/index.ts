export * from "./meetingAgenda";
