export { freePort } from "../../sandbox/processes";
