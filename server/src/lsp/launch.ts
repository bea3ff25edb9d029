// How clients should start dist/server.js. VS Code's client passes these to node (client/src/
// lifecycle.ts), the bench does the same, and other clients (Neovim...) may: a small young
// generation, because V8's default (tens of MB) stays resident in a long-lived server after a
// large file's analysis; the engine worker sets its own (engineHost.ts). `--expose-gc` lets the
// server and its worker collect once idle after a burst of work (idleCollect.ts).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc'];
