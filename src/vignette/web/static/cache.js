// @ts-check
/** Offline copies of what the reader opened (books, chapters, their picture listings and the
 * pictures' bytes), kept in IndexedDB: bounded by their real size in bytes, least recently
 * used dropped first, none older than TTL_MS, dropped on delete and regenerate.
 *
 * IndexedDB, not Cache Storage: it exists on plain HTTP too (a reader on a home network),
 * stores Blobs, and lets the page count bytes and order entries by last use itself. */

const DB_NAME = "vignette-offline";
const DB_VERSION = 1;
const OWNER_KEY = "vignette.offline.owner";
const LIMIT_KEY = "vignette.offline.limitMb";
export const DEFAULT_LIMIT_MB = 100;
export const LIMITS_MB = [25, 50, 100, 250, 500, 1000];
export const TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * What is known of an entry without reading its value.
 * @typedef {{key: string, bytes: number, storedAt: number, usedAt: number, group: string,
 *   description: string}} Meta
 * @typedef {{group?: string, description?: string}} Tags
 */

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

/** @returns {Promise<IDBDatabase>} */
function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (typeof indexedDB === "undefined") {
        reject(new Error("IndexedDB is not available"));
        return;
      }
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const meta = req.result.createObjectStore("meta", { keyPath: "key" });
        meta.createIndex("usedAt", "usedAt");
        meta.createIndex("group", "group");
        meta.createIndex("description", "description");
        req.result.createObjectStore("data");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

/**
 * @template T
 * @param {IDBRequest<T>} req
 * @returns {Promise<T>}
 */
function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** @param {IDBTransaction} tx */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The byte budget, from the reader's choice (megabytes). */
export function limitBytes() {
  const mb = Number(localStorage.getItem(LIMIT_KEY) ?? DEFAULT_LIMIT_MB);
  return (LIMITS_MB.includes(mb) ? mb : DEFAULT_LIMIT_MB) * 1024 * 1024;
}

/**
 * Change the budget; entries beyond it go at once.
 * @param {number} mb
 */
export async function setLimitMb(mb) {
  localStorage.setItem(LIMIT_KEY, String(mb));
  await evict();
}

/**
 * Read an entry; a hit counts as a use. Undefined when absent, expired or unavailable.
 * @param {string} key
 * @returns {Promise<unknown>}
 */
async function read(key) {
  try {
    const tx = (await db()).transaction(["meta", "data"], "readwrite");
    const meta = /** @type {Meta | undefined} */ (await done(tx.objectStore("meta").get(key)));
    if (!meta) return undefined;
    if (Date.now() - meta.storedAt > TTL_MS) {
      tx.objectStore("meta").delete(key);
      tx.objectStore("data").delete(key);
      await committed(tx);
      return undefined;
    }
    const value = await done(tx.objectStore("data").get(key));
    tx.objectStore("meta").put({ ...meta, usedAt: Date.now() });
    await committed(tx);
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Store an entry of `bytes` bytes, then evict down to the budget. Nothing is written while
 * the page is hidden, and nothing larger than the whole budget.
 * @param {string} key
 * @param {unknown} value
 * @param {number} bytes
 * @param {Tags} tags
 */
async function write(key, value, bytes, tags) {
  if (document.hidden || bytes > limitBytes()) return;
  try {
    const tx = (await db()).transaction(["meta", "data"], "readwrite");
    const now = Date.now();
    /** @type {Meta} */
    const meta = {
      key,
      bytes,
      storedAt: now,
      usedAt: now,
      group: tags.group ?? "",
      description: tags.description ?? "",
    };
    tx.objectStore("meta").put(meta);
    tx.objectStore("data").put(value, key);
    await committed(tx);
    await evict();
  } catch {
    // storage full or refused: this copy is simply not kept
  }
}

/**
 * A document saved by `putJSON`.
 * @param {string} key
 * @returns {Promise<any>}
 */
export async function getJSON(key) {
  const value = await read(key);
  return typeof value === "string" ? JSON.parse(value) : undefined;
}

/**
 * Save a document (counted by its UTF-8 size).
 * @param {string} key
 * @param {unknown} doc
 * @param {Tags} [tags]
 */
export async function putJSON(key, doc, tags = {}) {
  const text = JSON.stringify(doc);
  await write(key, text, new Blob([text]).size, tags);
}

/**
 * @param {string} key
 * @returns {Promise<Blob | undefined>}
 */
export async function getBlob(key) {
  const value = await read(key);
  return value instanceof Blob ? value : undefined;
}

/**
 * @param {string} key
 * @param {Blob} blob
 * @param {Tags} [tags]
 */
export async function putBlob(key, blob, tags = {}) {
  await write(key, blob, blob.size, tags);
}

/**
 * Delete the entries whose meta passes `match`.
 * @param {(meta: Meta) => boolean} match
 */
async function removeWhere(match) {
  try {
    const tx = (await db()).transaction(["meta", "data"], "readwrite");
    const all = /** @type {Meta[]} */ (await done(tx.objectStore("meta").getAll()));
    for (const m of all) {
      if (!match(m)) continue;
      tx.objectStore("meta").delete(m.key);
      tx.objectStore("data").delete(m.key);
    }
    await committed(tx);
  } catch {
    // nothing stored, nothing to drop
  }
}

/** @param {string} key */
export function remove(key) {
  return removeWhere((m) => m.key === key);
}

/** @param {string} prefix */
export function removePrefix(prefix) {
  return removeWhere((m) => m.key.startsWith(prefix));
}

/**
 * Everything saved for one book.
 * @param {string} group
 */
export function removeGroup(group) {
  return removeWhere((m) => m.group === group);
}

/**
 * A description's pictures other than `keep` (after it was regenerated).
 * @param {string} descriptionId
 * @param {string} keep
 */
export function removeDescription(descriptionId, keep) {
  return removeWhere((m) => m.description === descriptionId && m.key !== keep);
}

/** Expired entries. */
export function expire() {
  const now = Date.now();
  return removeWhere((m) => now - m.storedAt > TTL_MS);
}

/** Drop least recently used entries until the total fits the budget. */
async function evict() {
  try {
    const tx = (await db()).transaction(["meta", "data"], "readwrite");
    const all = /** @type {Meta[]} */ (await done(tx.objectStore("meta").index("usedAt").getAll()));
    let total = all.reduce((sum, m) => sum + m.bytes, 0);
    const limit = limitBytes();
    for (const m of all) {
      if (total <= limit) break;
      tx.objectStore("meta").delete(m.key);
      tx.objectStore("data").delete(m.key);
      total -= m.bytes;
    }
    await committed(tx);
  } catch {
    // unavailable: nothing is stored either
  }
}

/**
 * How much is saved.
 * @returns {Promise<{bytes: number, entries: number} | null>} null where IndexedDB is unavailable
 */
export async function usage() {
  try {
    const all = /** @type {Meta[]} */ (await done((await db()).transaction("meta").objectStore("meta").getAll()));
    return { bytes: all.reduce((sum, m) => sum + m.bytes, 0), entries: all.length };
  } catch {
    return null;
  }
}

/** Drop every copy (the reader's "Clear"). */
export function removeAll() {
  return removeWhere(() => true);
}

/** Forget everything and whose it was (signing out). */
export async function clear() {
  localStorage.removeItem(OWNER_KEY);
  await removeAll();
}

/**
 * The copies belong to one user: another user signing in on this browser starts empty.
 * @param {string} userId
 */
export async function claim(userId) {
  if (localStorage.getItem(OWNER_KEY) === userId) return;
  await removeWhere(() => true);
  localStorage.setItem(OWNER_KEY, userId);
}

/** Whether copies exist for someone (reading offline before the server can say who). */
export function hasOwner() {
  return localStorage.getItem(OWNER_KEY) !== null;
}
