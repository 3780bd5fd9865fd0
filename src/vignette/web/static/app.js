// @ts-check
/** The web reader's entry: settings, sign-in state, and which screen the address shows. */

import { ApiError, isOffline } from "./api.js";
import * as cache from "./cache.js";
import { byId, h, replace } from "./dom.js";
import { startUserStream, stopUserStream } from "./events.js";
import { currentLang, onLangChange, setLang, t, translateStatic } from "./i18n.js";
import * as gallery from "./gallery.js";
import * as library from "./library.js";
import * as reader from "./reader.js";
import { parse } from "./router.js";
import * as session from "./session.js";
import * as signin from "./signin.js";
import { apply as applyTheme, currentTheme, setTheme } from "./theme.js";
import { toast } from "./toast.js";

/** @type {(() => void) | null} */
let cleanup = null;
let signedIn = false;

const main = byId("main", HTMLElement);

function setChrome() {
  byId("nav-library", HTMLAnchorElement).hidden = !signedIn;
  byId("nav-gallery", HTMLAnchorElement).hidden = !signedIn;
  byId("sign-out", HTMLButtonElement).hidden = !signedIn;
  byId("pref-lang", HTMLSelectElement).value = currentLang();
  byId("pref-theme", HTMLSelectElement).value = currentTheme();
}

/** Show the screen for the current address (or the sign-in form). */
function route() {
  cleanup?.();
  cleanup = null;
  setChrome();
  if (!signedIn) {
    cleanup = signin.render(main, onSignedIn);
    return;
  }
  const r = parse();
  const current = r.name === "library" ? "nav-library" : r.name === "gallery" && !r.bookId ? "nav-gallery" : "";
  for (const id of ["nav-library", "nav-gallery"]) {
    const nav = byId(id, HTMLAnchorElement);
    if (id === current) nav.setAttribute("aria-current", "page");
    else nav.removeAttribute("aria-current");
  }
  if (r.name === "library") cleanup = library.render(main);
  else if (r.name === "gallery") cleanup = gallery.render(main, r.bookId);
  else cleanup = reader.render(main, r.bookId, r.name === "chapter" ? r.chapterId : null);
}

/** @param {import("./session.js").SessionDoc} doc */
async function onSignedIn(doc) {
  await cache.claim(doc.user_id);
  signedIn = true;
  startUserStream();
  route();
}

async function signOut() {
  try {
    await session.signOut();
  } catch (err) {
    toast(t("errors.network"));
    if (!(err instanceof ApiError)) throw err;
  }
  signedIn = false;
  stopUserStream();
  await cache.clear();
  history.replaceState(null, "", "#/");
  route();
  toast(t("signin.signedOut"));
}

/** A request answered 401: the session ended; back to the sign-in form. */
export function sessionEnded() {
  if (!signedIn) return;
  signedIn = false;
  stopUserStream();
  route();
  toast(t("signin.expired"));
}

async function boot() {
  applyTheme();
  translateStatic();
  byId("pref-lang", HTMLSelectElement).addEventListener("change", (e) => {
    const value = /** @type {HTMLSelectElement} */ (e.target).value;
    setLang(value === "ru" ? "ru" : "en");
  });
  byId("pref-theme", HTMLSelectElement).addEventListener("change", (e) => {
    const value = /** @type {HTMLSelectElement} */ (e.target).value;
    setTheme(value === "dark" ? "dark" : value === "sepia" ? "sepia" : "light");
  });
  byId("sign-out", HTMLButtonElement).addEventListener("click", () => void signOut());
  byId("skip-link", HTMLAnchorElement).addEventListener("click", (e) => {
    e.preventDefault();
    main.focus();
  });
  onLangChange(() => {
    translateStatic();
    route();
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("vignette:unauthorized", () => sessionEnded());
  window.addEventListener("vignette:connectivity", showConnectivity);
  void cache.expire();
  registerServiceWorker();
  try {
    const doc = await session.current();
    signedIn = doc !== null;
    if (doc) await cache.claim(doc.user_id);
  } catch {
    // The server cannot be reached: with copies saved here, read those.
    if (!cache.hasOwner()) {
      replace(main, h("p", { class: "notice error", role: "alert" }, t("errors.network")));
      return;
    }
    signedIn = true;
  }
  if (signedIn) startUserStream();
  route();
}

function showConnectivity() {
  byId("offline-banner", HTMLElement).hidden = !isOffline();
}

/** The page itself (its HTML and modules) for a reload offline: only in a secure context. */
function registerServiceWorker() {
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // without it, saved chapters still open while this tab stays open
  });
}

void boot();
