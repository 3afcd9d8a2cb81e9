export * from "./voting";
export * from "./cardView";
export * from "./forumAgendaView";
export * from "./reminders";
