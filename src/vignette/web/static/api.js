// @ts-check
/** The HTTP API, through the session cookie; unsafe requests carry the CSRF token. Reads of
 * what the reader opened can fall back to the offline copies. */

import * as cache from "./cache.js";

export const API = "/api/v1";

let offline = false;

/**
 * Whether the server was unreachable at the last request.
 * @returns {boolean}
 */
export function isOffline() {
  return offline;
}

/** @param {boolean} now */
function setOffline(now) {
  if (offline === now) return;
  offline = now;
  window.dispatchEvent(new Event("vignette:connectivity"));
}

/** @type {string | null} */
let csrfToken = null;

/** @param {string | null} token */
export function setCsrfToken(token) {
  csrfToken = token;
}

/**
 * A problem details answer (or a network failure, status 0).
 */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} detail
   */
  constructor(status, code, detail) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/**
 * @typedef {{method?: string, body?: unknown, form?: FormData, signal?: AbortSignal}} RequestOptions
 */

/**
 * Call the API; JSON in and out. Throws ApiError for any non-2xx answer.
 * @param {string} path a path under /api/v1 (or a full /api/v1/... URL from a document)
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function request(path, options = {}) {
  const method = options.method ?? "GET";
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  /** @type {BodyInit | undefined} */
  let body;
  if (options.form) {
    body = options.form;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const url = path.startsWith(API) ? path : API + path;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    setOffline(true);
    throw new ApiError(0, "network", String(err));
  }
  setOffline(false);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401 && !path.endsWith("/session")) {
      window.dispatchEvent(new Event("vignette:unauthorized"));
    }
    throw new ApiError(response.status, data?.code ?? "", data?.detail ?? data?.title ?? "");
  }
  return data;
}

/**
 * GET a document and save it for reading offline; when the server cannot be reached, the
 * saved copy (if any) instead.
 * @param {string} path
 * @param {import("./cache.js").Tags} [tags] `group`: the book it belongs to
 * @returns {Promise<any>}
 */
export async function readThrough(path, tags = {}) {
  try {
    const doc = await request(path);
    void cache.putJSON(path, doc, tags);
    return doc;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 0) throw err;
    const saved = await cache.getJSON(path);
    if (saved === undefined) throw err;
    return saved;
  }
}
