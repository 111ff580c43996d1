/**
 * The Content-Security-Policy of the web client. Scripts come only from the service itself;
 * base-map tiles come from whatever XYZ server the planner chooses (Tianditu, OpenStreetMap,
 * an intranet server over plain http), so images may come from anywhere; OpenLayers draws
 * through canvases and blob workers and sets inline styles.
 */
import type { NextFunction, Request, Response } from 'express';
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // Not helmet's default here: many county intranets serve gridgov over plain http, where this
  // would send the page's own scripts to an https port that does not exist (a blank page), and
  // turn http base-map tiles into failed requests.
  upgradeInsecureRequests: null,
};

/**
 * Cross-Origin-Opener-Policy counts only on https (or localhost); over plain http on an
 * intranet address the browser ignores it and logs an error on every page load, so it is sent
 * with secure requests only (behind a TLS proxy, with GRIDGOV_TRUST_PROXY, req.secure says so).
 */
export function withoutInsecureCoop(req: Request, res: Response, next: NextFunction): void {
  if (!req.secure) res.removeHeader('Cross-Origin-Opener-Policy');
  next();
}
