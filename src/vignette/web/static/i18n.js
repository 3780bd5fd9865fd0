// @ts-check
/** English and Russian: every visible string, numbers and dates through Intl. */

import en from "./strings/en.js";
import ru from "./strings/ru.js";
import { load, save } from "./settings.js";

/**
 * @typedef {string | Partial<Record<Intl.LDMLPluralRule, string>>} Entry
 * @typedef {Record<string, Entry>} Strings
 * @typedef {"en" | "ru"} Lang
 */

/** @type {Record<Lang, Strings>} */
const CATALOGS = { en, ru };
export const LANGS = /** @type {const} */ (["en", "ru"]);

/** @type {Lang} */
let lang = pick();
/** @type {Set<() => void>} */
const listeners = new Set();

/** @returns {Lang} */
function pick() {
  const chosen = load().lang;
  if (chosen === "en" || chosen === "ru") return chosen;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const base = (tag || "").toLowerCase().split("-")[0];
    if (base === "ru" || base === "en") return base;
  }
  return "en";
}

/** @returns {Lang} */
export function currentLang() {
  return lang;
}

/** @param {Lang} next */
export function setLang(next) {
  lang = next;
  save({ lang: next });
  document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

/**
 * Be told when the language changes (to re-render).
 * @param {() => void} fn
 */
export function onLangChange(fn) {
  listeners.add(fn);
}

/**
 * The string for a key in the current language, `{name}` replaced by params (numbers are
 * formatted); an entry with plural forms picks the form for `params.count`.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const entry = CATALOGS[lang][key] ?? CATALOGS.en[key];
  if (entry === undefined) {
    console.warn(`missing string ${key}`);
    return key;
  }
  let text;
  if (typeof entry === "string") {
    text = entry;
  } else {
    const count = Number(params.count ?? 0);
    const form = new Intl.PluralRules(lang).select(count);
    text = entry[form] ?? entry.other ?? "";
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

/**
 * Whether the catalog has a string for this key.
 * @param {string} key
 */
export function has(key) {
  return key in CATALOGS[lang] || key in CATALOGS.en;
}

/** @param {number} n */
export function formatNumber(n) {
  return new Intl.NumberFormat(lang).format(n);
}

/**
 * A size in bytes in the reader's units, e.g. "12.5 MB".
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  const mb = bytes / (1024 * 1024);
  const [unit, value] = mb >= 1000 ? ["gigabyte", mb / 1024] : mb >= 1 ? ["megabyte", mb] : ["kilobyte", bytes / 1024];
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/** @param {string | Date} when */
export function formatDate(when) {
  const date = typeof when === "string" ? new Date(when) : when;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(date);
}

/**
 * A duration in words, e.g. "about 2 minutes".
 * @param {number} seconds
 */
export function formatDuration(seconds) {
  const rtf = new Intl.NumberFormat(lang, {
    style: "unit",
    unit: seconds < 90 ? "second" : "minute",
    unitDisplay: "long",
    maximumFractionDigits: 0,
  });
  return rtf.format(seconds < 90 ? Math.max(1, Math.round(seconds)) : Math.round(seconds / 60));
}

/** Apply the language to elements marked with data-i18n (and data-i18n-label for aria-label). */
export function translateStatic() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.getAttribute("data-i18n") ?? "");
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label") ?? ""));
  }
  document.title = t("app.title");
}
