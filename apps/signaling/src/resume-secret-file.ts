import { randomBytes } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'

export type ResumeSecretFile =
  | { readonly ok: true; readonly secret: string; readonly created: boolean; readonly readableByOthers: boolean }
  | { readonly ok: false; readonly error: string }

// The same floor as --resume-secret; a generated one has 256 bits.
const MIN_LENGTH = 16
// A secret is one line; anything bigger is the wrong file.
const MAX_BYTES = 4096

/**
 * The resume secret kept in `path`: read when the file exists, otherwise created with a random
 * one, readable by the owner only (0600). Created exclusively, so two nodes starting at once on
 * a shared volume agree on the one that won.
 */
export async function loadResumeSecret(path: string): Promise<ResumeSecretFile> {
  const created = await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? false : error),
  )
  if (created instanceof Error) return { ok: false, error: `cannot create resume secret file ${path}: ${created.code ?? created.message}` }
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error)
  if (info instanceof Error) return { ok: false, error: `cannot read resume secret file ${path}: ${info.code ?? info.message}` }
  if (!info.isFile() || info.size > MAX_BYTES) return { ok: false, error: `resume secret file ${path} must be a file of at most ${MAX_BYTES} bytes` }
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => error)
  if (text instanceof Error) return { ok: false, error: `cannot read resume secret file ${path}: ${text.code ?? text.message}` }
  const secret = text.trim()
  if (secret.length < MIN_LENGTH) return { ok: false, error: `resume secret file ${path} must hold a secret of at least ${MIN_LENGTH} characters` }
  return { ok: true, secret, created, readableByOthers: (info.mode & 0o077) !== 0 }
}
