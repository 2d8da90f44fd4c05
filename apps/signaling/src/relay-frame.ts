// The relayed frame, cut from the bytes the client sent instead of re-encoding the parsed message.
//
// The relayed message is the client's minus `to`, with `from` set to the sender's id (a client's
// own `from` keeps its place, with the real id as value; otherwise `from` comes last). That is
// exactly what `JSON.stringify` of the stamped message gives — when the client's text is itself
// in the form `JSON.stringify` writes. So the frame is scanned once: in that form it is spliced
// (two edits at most) into one new Buffer; in any other (whitespace, escapes `JSON.stringify` would
// not write, numbers it would write differently, duplicate keys) the caller re-encodes. Splicing
// other forms would be valid JSON too, but a duplicate key is read differently by different JSON
// parsers, and receivers must read exactly what the server validated.
//
// The frame was already validated (`decode`), so the scan only checks form, never syntax. It
// reads the frame's text (which `decode` needed anyway) with charCodeAt, which V8 compiles to a
// plain load, and only for ASCII frames, where character and byte offsets agree; the rare
// non-ASCII frame (a name or SDP with other characters) is re-encoded.

const QUOTE = 0x22
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const BACKSLASH = 0x5c
const NOT_CANONICAL = -1

// Key spans of the objects being scanned, reused across frames: [start, end) pairs, a stack.
const keySpans: number[] = []
// Position of the next backslash at or after the scan (the frame's length when there is none).
let nextBackslash = -1
// One regular expression, not two indexOf calls: each stops at every backslash of the SDP.
const LONG_ESCAPE = /\\[u/]/
// True when every escape of the frame is a short one (`\r`, `\n`, `\"`, …): then each is in
// JSON.stringify's form, and a string ends at the first quote after an even run of backslashes.
let shortEscapesOnly = false

/**
 * The relayed frame for a validated relay message's `bytes` (and their UTF-8 `text`), sent by
 * `from`; undefined when the frame is not ASCII in `JSON.stringify`'s form (re-encode those).
 * `from` must be a peer id (ASCII, nothing to escape).
 */
export function spliceRelayed(bytes: Buffer, text: string, from: string): Buffer | undefined {
  keySpans.length = 0
  nextBackslash = -1
  const end = text.length
  if (end !== bytes.length || end < 2 || text.charCodeAt(0) !== OPEN_BRACE || text.charCodeAt(end - 1) !== CLOSE_BRACE) return undefined
  // The frame parsed, so its escapes are among \" \\ \/ \b \f \n \r \t \u: without `\u` and `\/`
  // all are short (an escaped backslash before `u` or `/` only costs the escape-by-escape scan).
  // An SDP has two escapes a line, and checking them one by one was most of an offer's splice.
  shortEscapesOnly = text.indexOf('\\') !== -1 && !LONG_ESCAPE.test(text)
  const frame = text
  // Spans of the `to` member (with one comma) and of the client's `from` value, when present.
  let toStart = -1
  let toEnd = -1
  let fromStart = -1
  let fromEnd = -1
  let i = 1
  let first = true
  while (frame.charCodeAt(i) !== CLOSE_BRACE) {
    const memberStart = first ? i : i - 1
    const keyStart = i
    const keyEnd = keyStringEnd(frame, i, 0)
    if (keyEnd === NOT_CANONICAL) return undefined
    keySpans.push(keyStart, keyEnd)
    const valueStart = keyEnd + 1
    const valueEnd = skipValue(frame, valueStart)
    if (valueEnd === NOT_CANONICAL) return undefined
    if (isKey(frame, keyStart, keyEnd, TO_KEY)) {
      // Removed with the comma that follows it, or with the one before it when it is last.
      toStart = memberStart
      toEnd = first && frame.charCodeAt(valueEnd) === COMMA ? valueEnd + 1 : valueEnd
    } else if (isKey(frame, keyStart, keyEnd, FROM_KEY)) {
      fromStart = valueStart
      fromEnd = valueEnd
    }
    first = false
    if (frame.charCodeAt(valueEnd) === COMMA) i = valueEnd + 1
    else if (frame.charCodeAt(valueEnd) === CLOSE_BRACE && valueEnd === end - 1) i = valueEnd
    else return undefined
  }
  // A message of nothing but `to` cannot pass validation (`type` is required); never splice one.
  if (first || i !== end - 1 || (toStart !== -1 && toEnd - toStart >= end - 2)) return undefined
  // The client's `from` is replaced in place; otherwise `,"from":"…"` goes before the closing brace.
  const insertion = fromStart === -1 ? `,"from":"${from}"` : `"${from}"`
  const insertAt = fromStart === -1 ? end - 1 : fromStart
  const insertEnd = fromStart === -1 ? end - 1 : fromEnd
  const removed = (toStart === -1 ? 0 : toEnd - toStart) + (insertEnd - insertAt)
  const out = Buffer.allocUnsafe(end - removed + insertion.length)
  // Two edits at most, in order of position: [0, cut) [resume, insertAt) insertion [insertEnd, …),
  // where the `to` member [cut, resume) lies before or after the insertion.
  let written = 0
  let read = 0
  if (toStart !== -1 && toStart < insertAt) {
    written = copy(bytes, out, written, 0, toStart)
    read = toEnd
  }
  written = copy(bytes, out, written, read, insertAt)
  for (let k = 0; k < insertion.length; k++) out[written++] = insertion.charCodeAt(k)
  read = insertEnd
  if (toStart !== -1 && toStart >= insertEnd) {
    written = copy(bytes, out, written, read, toStart)
    read = toEnd
  }
  copy(bytes, out, written, read, end)
  return out
}

/** Copies bytes [start, end) of `source` to `target` at `at`; returns the new write position. */
function copy(source: Buffer, target: Buffer, at: number, start: number, end: number): number {
  // Buffer#copy, not `target.set(source.subarray(…))`: a Buffer's subarray goes through its
  // species constructor, a costly call per edit on every relayed frame.
  if (end > start) source.copy(target, at, start, end)
  return at + end - start
}

const TO_KEY = '"to"'
const FROM_KEY = '"from"'

function isKey(frame: string, start: number, end: number, key: string): boolean {
  return end - start === key.length && frame.startsWith(key, start)
}

/**
 * End of the key at `start` and its colon check, or NOT_CANONICAL for a key seen before in this
 * object (spans from `base`) or an integer-like key (JSON.stringify writes those first).
 */
function keyStringEnd(frame: string, start: number, base: number): number {
  const end = stringEnd(frame, start)
  if (end === NOT_CANONICAL || frame.charCodeAt(end) !== COLON) return NOT_CANONICAL
  const firstChar = frame.charCodeAt(start + 1)
  if (firstChar >= 0x30 && firstChar <= 0x39) return NOT_CANONICAL
  return duplicateKey(frame, base, start, end) ? NOT_CANONICAL : end
}

/** True when the key at [start, end) equals one already seen in this object (spans from `base`). */
function duplicateKey(frame: string, base: number, start: number, end: number): boolean {
  for (let k = base; k < keySpans.length; k += 2) {
    const seenStart = keySpans[k] as number
    const seenEnd = keySpans[k + 1] as number
    if (seenEnd - seenStart === end - start && sameText(frame, seenStart, start, end - start)) return true
  }
  return false
}

function sameText(frame: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (frame.charCodeAt(a + k) !== frame.charCodeAt(b + k)) return false
  return true
}

/** End of the value at `i`, or NOT_CANONICAL. */
function skipValue(frame: string, i: number): number {
  switch (frame.charCodeAt(i)) {
    case QUOTE:
      return stringEnd(frame, i)
    case OPEN_BRACE:
      return objectEnd(frame, i)
    case OPEN_BRACKET:
      return arrayEnd(frame, i)
    case 0x74: // true
    case 0x6e: // null
      return i + 4
    case 0x66: // false
      return i + 5
    default:
      return numberEnd(frame, i)
  }
}

function objectEnd(frame: string, i: number): number {
  const base = keySpans.length
  let at = i + 1
  if (frame.charCodeAt(at) === CLOSE_BRACE) return at + 1
  for (;;) {
    const keyEnd = keyStringEnd(frame, at, base)
    if (keyEnd === NOT_CANONICAL) return NOT_CANONICAL
    keySpans.push(at, keyEnd)
    const valueEnd = skipValue(frame, keyEnd + 1)
    if (valueEnd === NOT_CANONICAL) return NOT_CANONICAL
    if (frame.charCodeAt(valueEnd) === COMMA) at = valueEnd + 1
    else if (frame.charCodeAt(valueEnd) === CLOSE_BRACE) {
      keySpans.length = base
      return valueEnd + 1
    } else return NOT_CANONICAL
  }
}

function arrayEnd(frame: string, i: number): number {
  let at = i + 1
  if (frame.charCodeAt(at) === CLOSE_BRACKET) return at + 1
  for (;;) {
    const valueEnd = skipValue(frame, at)
    if (valueEnd === NOT_CANONICAL) return NOT_CANONICAL
    if (frame.charCodeAt(valueEnd) === COMMA) at = valueEnd + 1
    else if (frame.charCodeAt(valueEnd) === CLOSE_BRACKET) return valueEnd + 1
    else return NOT_CANONICAL
  }
}

/**
 * End of the string at `i` (its opening quote). JSON.stringify escapes only `"`, `\`, and control
 * characters (as \b \f \n \r \t, else \u00XX in lower case), and lone surrogates; any other escape
 * (`\/`, `\u00e9`, a surrogate pair) is not its form. Raw control characters cannot occur: the
 * frame parsed.
 */
function stringEnd(frame: string, i: number): number {
  if (frame.charCodeAt(i) !== QUOTE) return NOT_CANONICAL
  if (shortEscapesOnly) return shortEscapedStringEnd(frame, i)
  // String#indexOf runs as a builtin, far faster than a character loop; the backslash cursor
  // moves only forward over the frame, so a frame is searched for backslashes once in all.
  let at = i + 1
  let quote = -1
  for (;;) {
    // Searched again only when an escape (`\"`) consumed the quote found last.
    if (quote < at) quote = frame.indexOf('"', at)
    if (quote === -1) return NOT_CANONICAL
    if (nextBackslash < at) {
      nextBackslash = frame.indexOf('\\', at)
      if (nextBackslash === -1) nextBackslash = frame.length
    }
    if (nextBackslash > quote) return quote + 1
    const escaped = frame.charCodeAt(nextBackslash + 1)
    if (escaped === 0x75 /* u */) {
      if (!controlEscape(frame, nextBackslash + 2)) return NOT_CANONICAL
      at = nextBackslash + 6
    } else if (isShortEscape(escaped)) at = nextBackslash + 2
    else return NOT_CANONICAL
  }
}

/** End of the string at `i` in a frame whose escapes are all short (see shortEscapesOnly). */
function shortEscapedStringEnd(frame: string, i: number): number {
  let quote = frame.indexOf('"', i + 1)
  while (quote !== -1 && escapedQuote(frame, quote)) quote = frame.indexOf('"', quote + 1)
  return quote === -1 ? NOT_CANONICAL : quote + 1
}

/** True when the quote at `at` is escaped: an odd run of backslashes precedes it (within its string). */
function escapedQuote(frame: string, at: number): boolean {
  let before = at - 1
  while (frame.charCodeAt(before) === BACKSLASH) before--
  return (at - 1 - before) % 2 === 1
}

// Switches, not Sets: an SDP has two escapes a line (`\r\n`), and a Set lookup hashes each.
/** `"` `\` b f n r t: the escapes JSON.stringify writes as a backslash and one character. */
function isShortEscape(c: number): boolean {
  switch (c) {
    case 0x22:
    case 0x5c:
    case 0x62:
    case 0x66:
    case 0x6e:
    case 0x72:
    case 0x74:
      return true
    default:
      return false
  }
}

/** The control characters with a short escape (\b \t \n \f \r), which JSON.stringify never writes as \u00XX. */
function hasShortEscape(c: number): boolean {
  return c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d
}

/** True for `00XX` (lower-case hex) naming a control character without a short escape. */
function controlEscape(frame: string, at: number): boolean {
  if (frame.charCodeAt(at) !== 0x30 || frame.charCodeAt(at + 1) !== 0x30) return false
  const high = frame.charCodeAt(at + 2)
  const low = frame.charCodeAt(at + 3)
  if (high !== 0x30 && high !== 0x31) return false
  const lowValue = low >= 0x30 && low <= 0x39 ? low - 0x30 : low >= 0x61 && low <= 0x66 ? low - 0x61 + 10 : -1
  if (lowValue === -1) return false
  return !hasShortEscape((high - 0x30) * 16 + lowValue)
}

/**
 * End of the number at `i` when it is an integer JSON.stringify writes the same way: no leading
 * zero, no `-0`, at most 15 digits (exact as a double). Fractions and exponents, which the relay
 * messages never need, are left to the re-encode.
 */
function numberEnd(frame: string, i: number): number {
  let at = frame.charCodeAt(i) === 0x2d ? i + 1 : i
  const digits = at
  while (at < frame.length && isDigit(frame.charCodeAt(at))) at++
  const count = at - digits
  if (count === 0 || count > 15) return NOT_CANONICAL
  if (frame.charCodeAt(digits) === 0x30 && (count > 1 || digits > i)) return NOT_CANONICAL
  const next = frame.charCodeAt(at)
  return next === 0x2e || next === 0x65 || next === 0x45 ? NOT_CANONICAL : at
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}
