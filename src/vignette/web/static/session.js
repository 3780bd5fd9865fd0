// @ts-check
/** Signing in and out: the key goes to the server once; the page keeps only the CSRF token. */

import { ApiError, request, setCsrfToken } from "./api.js";

/** @typedef {{user_id: string, csrf_token: string, expires_at: string}} SessionDoc */

/**
 * The current session, or null when signed out.
 * @returns {Promise<SessionDoc | null>}
 */
export async function current() {
  try {
    /** @type {SessionDoc} */
    const doc = await request("/session");
    setCsrfToken(doc.csrf_token);
    return doc;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/**
 * Exchange the API key for a session cookie.
 * @param {string} apiKey
 * @returns {Promise<SessionDoc>}
 */
export async function signIn(apiKey) {
  /** @type {SessionDoc} */
  const doc = await request("/session", { method: "POST", body: { api_key: apiKey } });
  setCsrfToken(doc.csrf_token);
  return doc;
}

/** Sign out on the server (the cookie is cleared). */
export async function signOut() {
  try {
    await request("/session", { method: "DELETE" });
  } finally {
    setCsrfToken(null);
  }
}
