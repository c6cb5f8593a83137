// Types of front.mjs (plain JavaScript so that server.mjs runs without a build step).
import type { IncomingMessage, ServerResponse } from 'node:http';

type RequestLike = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & { socket?: { encrypted?: boolean } | object };

export function hasMalformedPath(url: string | undefined): boolean;
export function isCrossOriginPageWrite(req: RequestLike): boolean;
export const SERVER_ACTION_BODY_LIMIT: number;
export function capPageWriteBody(req: IncomingMessage, res: ServerResponse, limit?: number): boolean;
export function contentSecurityPolicy(nonce: string): string;
export function servedOverHttps(req: RequestLike, trustProxy?: boolean): boolean;
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void;
