import { register } from 'node:module'

register('./resolve-hook.mjs', import.meta.url)

/** The flag that gives a child process the same resolution (see resolve-hook.mjs). */
export const IMPORT_FLAG = `--import=${new URL('./register.mjs', import.meta.url).pathname}`
