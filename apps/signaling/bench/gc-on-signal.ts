// Preloaded into the soak's server process (run with --expose-gc): SIGUSR2 collects garbage, so
// the soak compares live memory rather than whatever garbage happened to be waiting.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.())
