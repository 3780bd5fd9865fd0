// @ts-check
/** Hash routes: #/ (library), #/book/ID, #/book/ID/chapter/ID, #/book/ID/gallery, #/gallery. */

/**
 * @typedef {{name: "library"} | {name: "book", bookId: string} |
 *   {name: "chapter", bookId: string, chapterId: string} | {name: "gallery", bookId: string | null}} Route
 */

/** @returns {Route} */
export function parse() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  if (parts[0] === "gallery") return { name: "gallery", bookId: null };
  if (parts[0] === "book" && parts[1]) {
    if (parts[2] === "gallery") return { name: "gallery", bookId: parts[1] };
    if (parts[2] === "chapter" && parts[3]) {
      return { name: "chapter", bookId: parts[1], chapterId: parts[3] };
    }
    return { name: "book", bookId: parts[1] };
  }
  return { name: "library" };
}

/**
 * @param {Route} route
 * @returns {string}
 */
export function href(route) {
  switch (route.name) {
    case "book":
      return `#/book/${route.bookId}`;
    case "chapter":
      return `#/book/${route.bookId}/chapter/${route.chapterId}`;
    case "gallery":
      return route.bookId ? `#/book/${route.bookId}/gallery` : "#/gallery";
    default:
      return "#/";
  }
}

/**
 * @param {Route} route
 * @param {{replace?: boolean}} [options]
 */
export function go(route, options = {}) {
  const target = href(route);
  if (options.replace) {
    history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else if (location.hash !== target) {
    location.hash = target;
  } else {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  }
}
