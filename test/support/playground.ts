/** The Agents Playground driven as tests drive it (its invoke API, its WebSocket stream): see sandbox/playgroundDriver. */
export { startTestPlayground, type TestPlayground, type PlaygroundConfig } from "../../sandbox/playgroundDriver";
