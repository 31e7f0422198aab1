// The policy engine's public face.
export { decide } from "./decide";
export { criteriaMatch } from "./filters";
export { reasonCodes, type ReasonCode } from "./reasons";
export type * from "./types";
