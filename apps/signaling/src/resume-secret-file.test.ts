import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadResumeSecret } from './resume-secret-file.js'

describe('loadResumeSecret', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peerlane-secret-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('creates a missing file with a random secret, owner-only, and reads the same one back', async () => {
    const path = join(dir, 'resume-secret')
    const first = await loadResumeSecret(path)
    expect(first).toMatchObject({ ok: true, created: true, readableByOthers: false })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const second = await loadResumeSecret(path)
    expect(second).toMatchObject({ ok: true, created: false })
    expect(first.ok && second.ok && first.secret === second.secret && first.secret.length >= 32).toBe(true)
    expect((await readFile(path, 'utf8')).trim()).toBe(first.ok ? first.secret : '')
  })

  it('reads an operator-written file, flags loose permissions, and refuses a weak, huge or unusable one', async () => {
    const path = join(dir, 'given')
    await writeFile(path, '  a-secret-the-operator-chose  \n')
    await chmod(path, 0o644)
    expect(await loadResumeSecret(path)).toEqual({ ok: true, secret: 'a-secret-the-operator-chose', created: false, readableByOthers: true })
    await writeFile(path, 'short\n')
    expect(await loadResumeSecret(path)).toMatchObject({ ok: false, error: expect.stringMatching(/at least 16/) })
    await writeFile(path, 'x'.repeat(5000))
    expect(await loadResumeSecret(path)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 4096 bytes/) })
    expect(await loadResumeSecret(dir)).toMatchObject({ ok: false })
    expect(await loadResumeSecret(join(dir, 'missing-dir', 'secret'))).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT/) })
  })
})
