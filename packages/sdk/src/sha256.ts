// FIPS 180-4's constants are the first 32 bits of the fractional parts of the square roots (the
// initial state: first 8 primes) and cube roots (the round constants: first 64 primes) of the
// first primes. Computed rather than listed (a third of this file's weight): every one lies at
// least 0.005 of its last bit away from a rounding boundary, a thousand times what a 1-ulp error
// in Math.sqrt or Math.cbrt could move it, so every engine gets the same table, and the tests
// compare it with the standard's.
const fractionBits = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) >>> 0
const PRIMES: number[] = []
for (let n = 2; PRIMES.length < 64; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n)
/** The round constants. */
export const K = new Uint32Array(PRIMES.map((p) => fractionBits(Math.cbrt(p))))
/** The initial hash state. */
export const H0 = new Uint32Array(PRIMES.slice(0, 8).map((p) => fractionBits(Math.sqrt(p))))

/**
 * Incremental SHA-256. `crypto.subtle.digest` only hashes one buffer held whole in memory, which
 * a multi-hundred-megabyte file transfer must not need; this hashes chunk by chunk as the file
 * streams, on both ends, and is checked against `crypto.subtle` in its tests.
 */
export class Sha256 {
  readonly #state = H0.slice()
  readonly #block = new Uint8Array(64)
  readonly #words = new Uint32Array(64)
  #blockLength = 0
  #totalBytes = 0
  #finished = false

  update(data: Uint8Array): this {
    if (this.#finished) throw new Error('Sha256.update() after digest()')
    this.#totalBytes += data.length
    let offset = 0
    if (this.#blockLength > 0) {
      const take = Math.min(64 - this.#blockLength, data.length)
      this.#block.set(data.subarray(0, take), this.#blockLength)
      this.#blockLength += take
      offset = take
      if (this.#blockLength < 64) return this
      this.#compress(this.#block, 0)
      this.#blockLength = 0
    }
    for (; offset + 64 <= data.length; offset += 64) this.#compress(data, offset)
    if (offset < data.length) {
      this.#block.set(data.subarray(offset), 0)
      this.#blockLength = data.length - offset
    }
    return this
  }

  /** The digest as lowercase hex; the hash cannot be updated afterwards. */
  digestHex(): string {
    this.#finished = true
    const bits = this.#totalBytes * 8
    const tail = new Uint8Array(this.#blockLength + 9 <= 64 ? 64 : 128)
    tail.set(this.#block.subarray(0, this.#blockLength))
    tail[this.#blockLength] = 0x80
    const view = new DataView(tail.buffer)
    // The length is a 64-bit big-endian bit count; split so files over 512 MiB stay exact.
    view.setUint32(tail.length - 8, Math.floor(bits / 0x1_0000_0000))
    view.setUint32(tail.length - 4, bits >>> 0)
    for (let offset = 0; offset < tail.length; offset += 64) this.#compress(tail, offset)
    return [...this.#state].map((word) => word.toString(16).padStart(8, '0')).join('')
  }

  #compress(bytes: Uint8Array, offset: number): void {
    const w = this.#words
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4
      w[i] = ((bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!) >>> 0
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!
      const b = w[i - 2]!
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0
    }
    const s = this.#state
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
      h = g
      g = f
      f = e
      e = (d + t1) >>> 0
      d = c
      c = b
      b = a
      a = (t1 + t2) >>> 0
    }
    s[0] = (s[0]! + a) >>> 0
    s[1] = (s[1]! + b) >>> 0
    s[2] = (s[2]! + c) >>> 0
    s[3] = (s[3]! + d) >>> 0
    s[4] = (s[4]! + e) >>> 0
    s[5] = (s[5]! + f) >>> 0
    s[6] = (s[6]! + g) >>> 0
    s[7] = (s[7]! + h) >>> 0
  }
}
