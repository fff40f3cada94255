/**
 * Structural limits a JSON body must meet before anything else looks at it. Every DTO of this
 * API is at most three levels deep with a few dozen fields, so the defaults leave wide margins
 * while keeping the work per request small and linear.
 */
export interface JsonLimits {
  /** Nesting depth of objects and arrays (the body itself is level 1). */
  maxDepth: number;
  /** Keys in any one object (V8 parses objects with thousands of keys super-linearly). */
  maxKeysPerObject: number;
  /** Values and keys in the whole body. */
  maxNodes: number;
  /** Characters in any string value. */
  maxStringLength: number;
  /** Characters in any key. */
  maxKeyLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = {
  maxDepth: 20,
  maxKeysPerObject: 100,
  maxNodes: 10_000,
  maxStringLength: 10_000,
  maxKeyLength: 100,
};
