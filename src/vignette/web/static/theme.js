// @ts-check
/** Light, sepia and dark themes; font size and line width, applied as CSS variables. */

import { load, save } from "./settings.js";

/** @typedef {import("./settings.js").Theme} Theme */

export const THEMES = /** @type {const} */ (["light", "sepia", "dark"]);
export const FONT_SIZES = { min: 15, max: 28, step: 1 };
export const LINE_WIDTHS = { min: 45, max: 85, step: 5 };

/** @returns {Theme} */
export function currentTheme() {
  const chosen = load().theme;
  if (chosen) return chosen;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Apply the remembered settings to the document. */
export function apply() {
  const s = load();
  const root = document.documentElement;
  root.dataset.theme = currentTheme();
  root.style.setProperty("--reader-size", `${s.fontSize}px`);
  root.style.setProperty("--reader-width", `${s.lineWidth}ch`);
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute("content", getComputedStyle(root).getPropertyValue("--bg").trim());
}

/** @param {Theme} theme */
export function setTheme(theme) {
  save({ theme });
  apply();
}

/** @param {number} delta */
export function changeFontSize(delta) {
  const s = load();
  const size = Math.min(FONT_SIZES.max, Math.max(FONT_SIZES.min, s.fontSize + delta));
  save({ fontSize: size });
  apply();
  return size;
}

/** @param {number} delta */
export function changeLineWidth(delta) {
  const s = load();
  const width = Math.min(LINE_WIDTHS.max, Math.max(LINE_WIDTHS.min, s.lineWidth + delta));
  save({ lineWidth: width });
  apply();
  return width;
}
