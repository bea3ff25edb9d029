// Test-only requests, answered only when the server runs with DMABUF_TEST_HOOKS=1.
import type { ServerContext } from '../context';
import { CrashWorkerRequest } from '../protocol';

export function register(ctx: ServerContext): void {
  if (!ctx.testHooks) return;
  ctx.connection.onRequest(CrashWorkerRequest.method, () => ctx.engine.crashForTest());
}
