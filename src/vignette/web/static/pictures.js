// @ts-check
/** Pictures shown from the offline copies when saved there (no request for their bytes),
 * fetched and saved otherwise. Each shown picture holds one object URL, revoked as soon as
 * its <img> leaves the page. */

import { ApiError } from "./api.js";
import * as cache from "./cache.js";
import * as tasks from "./tasks.js";

/** @typedef {import("./cache.js").Tags} Tags */

/** @type {Map<HTMLImageElement, string>} the object URL each shown picture holds */
const held = new Map();

/** Revoke the object URLs of pictures no longer in the page. */
function sweep() {
  for (const [img, url] of held) {
    if (!img.isConnected) {
      URL.revokeObjectURL(url);
      held.delete(img);
    }
  }
}

new MutationObserver(() => {
  if (held.size) sweep();
}).observe(document.documentElement, { childList: true, subtree: true });

/** How many object URLs are held now (for the page's own checks). */
export function heldCount() {
  return held.size;
}

/**
 * The picture's bytes: the saved copy, or the server's (then saved).
 * @param {string} url
 * @param {Tags} tags
 * @returns {Promise<Blob>}
 */
export async function bytes(url, tags) {
  const saved = await cache.getBlob(url);
  if (saved) return saved;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(0, "network", String(err));
  }
  if (!response.ok) throw new ApiError(response.status, "", "");
  const blob = await response.blob();
  void cache.putBlob(url, blob, tags);
  return blob;
}

/**
 * Show the picture at `url` in `img`; resolves with the object URL once it is set (or null
 * when the <img> left the page meanwhile).
 * @param {HTMLImageElement} img
 * @param {string} url
 * @param {Tags} [tags]
 * @returns {Promise<string | null>}
 */
export async function show(img, url, tags = {}) {
  const blob = await bytes(url, tags);
  if (!img.isConnected) return null;
  const previous = held.get(img);
  const objectUrl = URL.createObjectURL(blob);
  held.set(img, objectUrl);
  img.src = objectUrl;
  if (previous) URL.revokeObjectURL(previous);
  return objectUrl;
}

/** @type {IntersectionObserver | null} */
let observer = null;
/** @type {WeakMap<Element, () => void>} */
const pending = new WeakMap();

/**
 * Show the picture when its <img> comes near the viewport (lazily loaded thumbnails).
 * @param {HTMLImageElement} img
 * @param {string} url
 * @param {Tags} [tags]
 */
export function showLazily(img, url, tags = {}) {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer?.unobserve(entry.target);
        pending.get(entry.target)?.();
        pending.delete(entry.target);
      }
    },
    { rootMargin: "200px" },
  );
  pending.set(img, () => {
    show(img, url, tags).catch(() => img.classList.add("broken"));
  });
  observer.observe(img);
}

// A regenerated description's older pictures are no longer what the reader shows: drop their
// saved bytes once the newest is done.
tasks.subscribe((doc) => {
  if (doc.status !== "completed" || !doc.image_url) return;
  if (tasks.forDescription(doc.description_id)?.task_id !== doc.task_id) return;
  void cache.removeDescription(doc.description_id, doc.image_url);
});
