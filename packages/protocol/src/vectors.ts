// Node-only entry (`@peerlane/protocol/vectors`): loads the golden test vectors shipped with the
// package, so the server's and the SDK's tests run the very same frames as the protocol's own.
import { readdirSync, readFileSync } from 'node:fs'
import type { ErrorCode } from './error-codes.js'
import type { Sender } from './decode.js'

export interface GoldenVector {
  /** File name without extension, e.g. `client-join-minimal`. */
  readonly name: string
  readonly description: string
  readonly from: Sender
  /** The exact frame text. */
  readonly frame: string
  /** Absent for valid vectors; the expected error for invalid ones. */
  readonly error?: { readonly code: ErrorCode; readonly path?: string }
}

interface VectorFile {
  description: string
  from: Sender
  message?: unknown
  frame?: string
  error?: { code: ErrorCode; path?: string }
}

const root = new URL('../vectors/', import.meta.url)

function load(kind: 'valid' | 'invalid' | 'frozen-v1/valid'): GoldenVector[] {
  const dir = new URL(`${kind}/`, root)
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const data = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as VectorFile
      const frame = data.frame ?? JSON.stringify(data.message)
      return { name: file.slice(0, -'.json'.length), description: data.description, from: data.from, frame, ...(data.error ? { error: data.error } : {}) }
    })
}

export function validVectors(): GoldenVector[] {
  return load('valid')
}

export function invalidVectors(): GoldenVector[] {
  return load('invalid')
}

/**
 * The valid vectors of protocol v1 as released, frozen: a v1 peer may send or expect any of
 * these forever, so every later server and SDK must still accept them (never edit this copy).
 */
export function frozenV1Vectors(): GoldenVector[] {
  return load('frozen-v1/valid')
}
