// @ts-check
/** The sign-in screen: paste an API key; it is sent once and never kept by the page. */

import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import * as session from "./session.js";

/**
 * @param {HTMLElement} main
 * @param {(doc: import("./session.js").SessionDoc) => void | Promise<void>} onSignedIn
 * @returns {() => void}
 */
export function render(main, onSignedIn) {
  const error = h("p", { class: "form-error", id: "signin-error", role: "alert" });
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "api-key-hint signin-error",
  });
  const submit = h("button", { type: "submit", class: "button primary" }, t("signin.submit"));
  const form = h(
    "form",
    { class: "signin-form", novalidate: true },
    h("label", { for: "api-key" }, t("signin.keyLabel")),
    input,
    h("p", { class: "hint", id: "api-key-hint" }, t("signin.keyHint")),
    error,
    submit,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = t("signin.empty");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t("signin.signingIn");
    error.textContent = "";
    try {
      const doc = await session.signIn(key);
      input.value = "";
      await onSignedIn(doc);
    } catch (err) {
      input.setAttribute("aria-invalid", "true");
      error.textContent =
        err instanceof ApiError && err.status === 401 ? t("signin.wrongKey") : t("errors.network");
      submit.disabled = false;
      submit.textContent = t("signin.submit");
      input.select();
      input.focus();
    }
  });
  main.replaceChildren(
    h(
      "section",
      { class: "signin", "aria-labelledby": "signin-title" },
      h("div", { class: "signin-art", "aria-hidden": "true" }),
      h("h1", { id: "signin-title" }, t("signin.title")),
      h("p", { class: "lede" }, t("signin.intro")),
      form,
    ),
  );
  input.focus();
  return () => {};
}
