// The bench is not a workspace package (pnpm-workspace.yaml lists packages/* and apps/* only), so
// bare imports in bench/ (ws, esbuild, playwright-core, @peerlane/*) have no node_modules of their
// own. They resolve as if imported from @peerlane/relay-test, whose (dev)dependencies hold them.
const FALLBACK_PARENT = new URL('../../apps/cli-relay-test/package.json', import.meta.url).href

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (error) {
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':')
    if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    return next(specifier, { ...context, parentURL: FALLBACK_PARENT })
  }
}
