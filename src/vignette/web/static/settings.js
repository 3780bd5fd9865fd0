// @ts-check
/** Reader settings remembered in localStorage: never anything secret. */

const KEY = "vignette.settings";

/**
 * @typedef {"light" | "sepia" | "dark"} Theme
 * @typedef {{theme: Theme | null, fontSize: number, lineWidth: number, lang: string | null}} Settings
 * @typedef {{chapterId: string, fraction: number}} Position
 */

/** @type {Settings} */
const DEFAULTS = { theme: null, fontSize: 19, lineWidth: 65, lang: null };

/** @returns {Settings} */
export function load() {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return { ...DEFAULTS, ...(typeof raw === "object" && raw ? raw : {}) };
  } catch {
    return { ...DEFAULTS };
  }
}

/** @param {Partial<Settings>} change */
export function save(change) {
  const next = { ...load(), ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: the setting lasts for this page only
  }
  return next;
}

/**
 * The remembered reading position in a book.
 * @param {string} bookId
 * @returns {Position | null}
 */
export function position(bookId) {
  try {
    const raw = JSON.parse(localStorage.getItem(`vignette.position.${bookId}`) ?? "null");
    if (raw && typeof raw.chapterId === "string" && typeof raw.fraction === "number") return raw;
  } catch {
    // ignore a damaged entry
  }
  return null;
}

/**
 * @param {string} bookId
 * @param {Position} pos
 */
export function savePosition(bookId, pos) {
  try {
    localStorage.setItem(`vignette.position.${bookId}`, JSON.stringify(pos));
  } catch {
    // not remembered
  }
}

/** @param {string} bookId */
export function forgetPosition(bookId) {
  localStorage.removeItem(`vignette.position.${bookId}`);
}
