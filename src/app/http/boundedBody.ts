/** Request bodies read within a limit (the trigger files' way to them: functions/ reaches adapters through the app). */
export { BODY_LIMITS, readBoundedBody, type BoundedBody } from "../../m365/http/boundedBody";
