/**
 * JSON as events, commands and request forms carry it: the domain's own types, so deciders need
 * nothing from the event store to say what their data is (the store re-exports them).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
