// @ts-check
/** The "Reading offline" panel: how much is saved, the budget, clearing, and what this
 * address allows (a page reload offline needs the service worker, so HTTPS or localhost). */

import * as cache from "./cache.js";
import { h } from "./dom.js";
import { formatBytes, t } from "./i18n.js";

/** @returns {HTMLElement} */
export function panel() {
  const used = h("p", { class: "hint", id: "offline-usage", role: "status" });
  const limit = h(
    "select",
    { id: "offline-limit", class: "select" },
    cache.LIMITS_MB.map((mb) =>
      h("option", { value: String(mb), selected: cache.limitBytes() === mb * 1024 * 1024 }, formatBytes(mb * 1024 * 1024)),
    ),
  );
  const clear = h("button", { type: "button", class: "button ghost small", id: "offline-clear" }, t("offline.clear"));
  const secure = window.isSecureContext && "serviceWorker" in navigator;

  const refresh = async () => {
    const now = await cache.usage();
    used.textContent = now
      ? t("offline.usage", { used: formatBytes(now.bytes), limit: formatBytes(cache.limitBytes()) })
      : t("offline.unavailable");
  };
  limit.addEventListener("change", () => void cache.setLimitMb(Number(limit.value)).then(refresh));
  clear.addEventListener("click", () => void cache.removeAll().then(refresh));
  void refresh();

  return h(
    "section",
    { class: "offline-panel", id: "offline-panel", "aria-labelledby": "offline-title" },
    h("h2", { id: "offline-title" }, t("offline.title")),
    h("p", { id: "offline-explain" }, t(secure ? "offline.explainSecure" : "offline.explainPlain")),
    h("div", { class: "offline-row" }, h("label", { for: "offline-limit" }, t("offline.limit")), limit, clear),
    used,
  );
}
