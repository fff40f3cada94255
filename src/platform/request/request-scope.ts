import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request being served, for the whole asynchronous call chain of that request: every log
 * line written while serving it carries its `request_id`, not only the access line.
 */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();
