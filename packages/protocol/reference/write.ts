// `pnpm --filter @peerlane/protocol docs:write`: regenerates docs/protocol.md after a wire change.
import { writeFileSync } from 'node:fs'
import { REFERENCE_FILE, protocolReference } from './page.js'

writeFileSync(REFERENCE_FILE, protocolReference())
console.log(`wrote ${REFERENCE_FILE}`)
