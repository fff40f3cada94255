/**
 * Preloaded into the app by `BENCH_HTTP_PROFILE=dir npm run bench:http`: SIGUSR2 ends the
 * process normally, so `node --cpu-prof` gets to write its profile (a signal death does not).
 */
process.on('SIGUSR2', () => process.exit(0));
