/**
 * The list of the user's conversations (`#conversation-list`): open one, rename it in
 * place, delete it (after a confirmation). Titles are the user's own words, put on the
 * page as text. The list is redrawn from conversation-history.js on every change.
 */

/** @typedef {import("./conversation-history.js").ConversationSummary} ConversationSummary */
/**
 * @typedef {object} ConversationListActions
 * @property {(id: string) => void} open
 * @property {(id: string, title: string) => void} rename
 * @property {(id: string) => void} remove
 * @property {(title: string) => boolean} confirmRemove
 */

/**
 * @param {{ list: HTMLUListElement, actions: ConversationListActions, doc?: Document }} options
 * @returns {{ render: (items: readonly ConversationSummary[]) => void }}
 */
export function createConversationList({ list, actions, doc = document }) {
  /** @type {string | null} the conversation being renamed */
  let editing = null;
  /** @type {readonly ConversationSummary[]} */
  let shown = [];

  /**
   * @param {string} text
   * @param {string} className
   * @param {string} [label]
   */
  function button(text, className, label) {
    const node = doc.createElement("button");
    node.type = "button";
    node.className = className;
    node.textContent = text;
    if (label) node.setAttribute("aria-label", label);
    return node;
  }

  /** @param {ConversationSummary} item */
  function renameForm(item) {
    const form = doc.createElement("form");
    form.className = "conversation-rename-form";
    const input = doc.createElement("input");
    input.className = "conversation-title-input";
    input.value = item.title;
    input.maxLength = 80;
    input.setAttribute("aria-label", "Conversation name");
    const save = button("Save", "button primary small");
    save.type = "submit";
    const cancel = button("Cancel", "button secondary small");
    const close = () => {
      editing = null;
      render(shown);
      const again = list.querySelector(`[data-conversation-id="${CSS.escape(item.id)}"] .conversation-rename`);
      if (again instanceof HTMLElement) again.focus();
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const title = input.value.trim();
      editing = null;
      if (title) actions.rename(item.id, title);
      else render(shown);
    });
    cancel.addEventListener("click", close);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    form.append(input, save, cancel);
    queueMicrotask(() => {
      input.focus();
      input.select();
    });
    return form;
  }

  /** @param {ConversationSummary} item */
  function entry(item) {
    const li = doc.createElement("li");
    li.className = "conversation";
    li.dataset.conversationId = item.id;
    if (item.current) li.dataset.current = "true";
    if (editing === item.id) {
      li.append(renameForm(item));
      return li;
    }
    const open = button(item.title, "conversation-open");
    if (item.current) open.setAttribute("aria-current", "true");
    open.title = item.title;
    open.addEventListener("click", () => actions.open(item.id));
    // Icons with names: "Rename …" / "Delete …" are what assistive technology reads and the tooltip shows.
    const rename = button("✎", "conversation-rename", `Rename “${item.title}”`);
    rename.title = "Rename";
    rename.addEventListener("click", () => {
      editing = item.id;
      render(shown);
    });
    const remove = button("✕", "conversation-delete", `Delete “${item.title}”`);
    remove.title = "Delete";
    remove.addEventListener("click", () => {
      if (actions.confirmRemove(item.title)) actions.remove(item.id);
    });
    li.append(open, rename, remove);
    return li;
  }

  /** @param {readonly ConversationSummary[]} items */
  function render(items) {
    shown = items;
    if (editing !== null && !items.some((i) => i.id === editing)) editing = null;
    list.replaceChildren(...items.map(entry));
  }

  return { render };
}
