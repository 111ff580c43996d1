/**
 * Every router of the service matches paths case-sensitively and strictly, as the app does and
 * as the access policy does (server/http/access-policy.ts): one spelling of a path is one
 * endpoint for all three, so no spelling can reach a route the policy did not decide on.
 */
import { Router } from 'express';

export function apiRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
