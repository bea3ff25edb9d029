// How clients should start dist/server.js. VS Code's client passes these to node (client/src/
// lifecycle.ts), the bench does the same, and other clients (Neovim...) may: a small young
// generation, because V8's default (tens of MB) stays resident in a long-lived server after a
// large file's analysis; the engine worker sets its own (engineHost.ts). `--expose-gc` lets the
// server and its worker collect once idle after a burst of work (idleCollect.ts).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc'];

/**
 * The environment clients should add when they start dist/server.js. glibc gives every thread that
 * mallocs an arena of its own (up to 8 per core) and keeps what it frees there: with the engine
 * worker and libuv's threads, the idle server held 160-180 MB after a 20,000-line file where
 * two arenas hold it to ~136 MB (bench/lsp.bench.ts). Read by glibc at start-up, so it must be in
 * the environment the server starts with; other C libraries ignore it.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
