// @ts-check
/** A confirmation dialog (native modal dialog: Esc and the Cancel button say no). */

import { byId, h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * @param {string} message
 * @param {string} yesLabel
 * @returns {Promise<boolean>}
 */
export function confirmAction(message, yesLabel) {
  const dialog = byId("confirm", HTMLDialogElement);
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const no = h("button", { type: "button", class: "button ghost" }, t("common.cancel"));
    const yes = h("button", { type: "button", class: "button danger" }, yesLabel);
    dialog.replaceChildren(
      h("p", { id: "confirm-text" }, message),
      h("div", { class: "confirm-actions" }, no, yes),
    );
    /** @param {boolean} answer */
    const done = (answer) => {
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      opener?.focus();
      resolve(answer);
    };
    const onClose = () => done(false);
    dialog.addEventListener("close", onClose);
    no.addEventListener("click", () => done(false));
    yes.addEventListener("click", () => done(true));
    dialog.showModal();
    no.focus();
  });
}
