import { isUtf8 } from 'node:buffer';
import { CommonErrors } from '../errors/common-errors';
import { InputErrors } from '../errors/input-errors';
import type { JsonLimits } from './json-limits';

declare global {
  interface String {
    /** ES2024 (Node 20+); the project's `lib` is ES2023. */
    isWellFormed(): boolean;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

interface Frame {
  object: boolean;
  /** Keys so far (object) or the index of the current element (array). */
  count: number;
  keyStart: number;
  keyEnd: number;
}

/**
 * Parses a JSON body under `limits`, or throws the 400 that names what is wrong. Nothing here
 * recurses and every step is linear in the body:
 * 1. one pass over the raw bytes measures nesting depth, keys per object and the value count,
 *    so a hostile shape (90,000 keys, 10,000 levels) is refused before JSON.parse spends time on it;
 * 2. JSON.parse;
 * 3. one iterative walk over the parsed value checks every string (length, NUL, unpaired
 *    surrogates) and every number (finite).
 */
export function parseJsonBody(raw: Buffer, limits: JsonLimits): unknown {
  if (!isUtf8(raw)) throw InputErrors.notUtf8();
  scanStructure(raw, limits);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw CommonErrors.malformedJson();
  }
  checkValues(value, limits);
  return value;
}

function scanStructure(raw: Buffer, limits: JsonLimits): void {
  const frames: Frame[] = [];
  let inString = false;
  let expectKey = false;
  let stringIsKey = false;
  let nodes = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (stringIsKey) frames[frames.length - 1].keyEnd = i;
      }
      continue;
    }
    switch (c) {
      case QUOTE: {
        inString = true;
        const top = frames[frames.length - 1];
        stringIsKey = expectKey && top !== undefined && top.object;
        if (stringIsKey) {
          top.keyStart = i + 1;
          top.keyEnd = i + 1;
          expectKey = false;
        }
        break;
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (frames.length >= limits.maxDepth) throw InputErrors.tooDeep(pathOf(frames, raw), limits.maxDepth);
        frames.push({ object: c === OPEN_OBJECT, count: 0, keyStart: 0, keyEnd: 0 });
        expectKey = c === OPEN_OBJECT;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        frames.pop();
        expectKey = false;
        break;
      case COLON: {
        const top = frames[frames.length - 1];
        if (top?.object && ++top.count > limits.maxKeysPerObject) {
          throw InputErrors.tooManyKeys(pathOf(frames.slice(0, -1), raw), limits.maxKeysPerObject);
        }
        if (++nodes > limits.maxNodes) throw InputErrors.tooManyValues(limits.maxNodes);
        break;
      }
      case COMMA: {
        const top = frames[frames.length - 1];
        if (top?.object) expectKey = true;
        else if (top) top.count++;
        if (++nodes > limits.maxNodes) throw InputErrors.tooManyValues(limits.maxNodes);
        break;
      }
    }
  }
}

/** The JSON path of the innermost open value, from the scanner's frames (only on refusal). */
function pathOf(frames: Frame[], raw: Buffer): string {
  let path = '';
  for (let f = 0; f < frames.length; f++) {
    const frame = frames[f];
    if (!frame.object) {
      path += `[${frame.count}]`;
      continue;
    }
    if (frame.keyEnd <= frame.keyStart && frame.count === 0) break;
    path = joinKey(path, decodeKey(raw.subarray(frame.keyStart, frame.keyEnd)));
  }
  return path;
}

function decodeKey(bytes: Buffer): string {
  try {
    const key = JSON.parse(`"${bytes.toString('utf8')}"`) as string;
    return key.length > 100 ? `${key.slice(0, 100)}…` : key;
  } catch {
    return '?';
  }
}

export function joinKey(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

interface Pending {
  value: unknown;
  path: string;
}

function checkValues(root: unknown, limits: JsonLimits): void {
  const stack: Pending[] = [{ value: root, path: '' }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      checkString(value, path || 'body', limits.maxStringLength);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw InputErrors.notFinite(path || 'body');
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]` });
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        if (key.length > limits.maxKeyLength) throw InputErrors.keyTooLong(path, limits.maxKeyLength);
        if (key.includes('\0') || !key.isWellFormed()) throw InputErrors.malformedKey(path);
        stack.push({ value: (value as Record<string, unknown>)[key], path: joinKey(path, key) });
      }
    }
  }
}

/** Text PostgreSQL and mail can carry: no NUL, no unpaired UTF-16 surrogate, bounded length. */
export function checkString(value: string, param: string, maxLength: number): void {
  if (value.length > maxLength) throw InputErrors.stringTooLong(param, maxLength);
  if (value.includes('\0')) throw InputErrors.nulCharacter(param);
  if (!value.isWellFormed()) throw InputErrors.malformedText(param);
}
