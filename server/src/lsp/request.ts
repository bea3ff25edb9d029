// One wrapper for every request handler: an exception becomes a logged error and an empty answer,
// never a crash of the server, and a request cancelled before it ran is not computed. A
// ResponseError is a deliberate refusal and goes to the client as such.
import { ResponseError } from 'vscode-languageserver';
import type { CancellationToken } from 'vscode-languageserver';
import type { Logger } from './engineHost';

export function guard<P, R>(
  log: Logger,
  name: string,
  fallback: R,
  fn: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    if (token?.isCancellationRequested) return fallback;
    try {
      return await fn(params, token);
    } catch (e) {
      if (e instanceof ResponseError) throw e; // a deliberate answer to the client (e.g. rename refused)
      log.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
}
