// The JSON API's headers and its two answer shapes, Prometheus's `{"status":"success","data":…}` and `{"status":"error",…}`.
import { quoteGoJson } from '../render/go-json.ts';

/** Go's CORS headers on every API answer but the wipe's and the 405s. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Headers': 'Accept, Authorization, Content-Type, Origin',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Date',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
};
export const JSON_HEADERS: Readonly<Record<string, string>> = { ...CORS_HEADERS, 'Content-Type': 'application/json' };

/** 200 with `{"status":"success","data":<data>}`; `data` is JSON text already. */
export function apiSuccess(data: string): Response {
  return new Response(`{"status":"success","data":${data}}`, { headers: JSON_HEADERS });
}

/** An error in Prometheus's API shape: `errorType` is its word for the kind (`bad_data` for a 400). */
export function apiError(status: number, errorType: string, message: string): Response {
  return new Response(`{"status":"error","errorType":${quoteGoJson(errorType)},"error":${quoteGoJson(message)}}`, { status, headers: JSON_HEADERS });
}
