// Benchboard's light and dark switch. Loaded without defer in <head>, so the stored choice
// is applied before the page is first drawn: data-theme="light" or "dark" on <html>, or
// no attribute to follow the system setting (site.css has the colours of each).
// The header's switch (three buttons with aria-pressed) is hidden until this script
// shows it, so without JavaScript there is no switch and the system setting decides.
(function () {
  "use strict";

  const KEY = "benchboard-theme";
  const THEMES = ["light", "dark"];
  const root = document.documentElement;

  function stored() {
    try {
      const value = window.localStorage.getItem(KEY);
      return THEMES.includes(value) ? value : "system";
    } catch (error) {
      return "system"; // storage refused (private mode, blocked cookies): follow the system
    }
  }

  function store(choice) {
    try {
      if (choice === "system") window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, choice);
    } catch (error) {
      // The choice still applies to this page.
    }
  }

  function apply(choice) {
    if (THEMES.includes(choice)) root.dataset.theme = choice;
    else delete root.dataset.theme;
  }

  function changed() {
    document.dispatchEvent(new Event("benchboard:themechange"));
  }

  function showPressed(group, choice) {
    group.querySelectorAll("[data-theme-choice]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.themeChoice === choice));
    });
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", () => {
    const group = document.querySelector(".theme-switch");
    if (!group) return;
    showPressed(group, stored());
    group.addEventListener("click", (event) => {
      const button = event.target.closest("[data-theme-choice]");
      if (!button) return;
      const choice = button.dataset.themeChoice;
      store(choice);
      apply(choice);
      showPressed(group, choice);
      changed();
    });
    group.hidden = false;

    // The choice changed elsewhere: in another tab, or on a page that Back or Forward
    // left for this one, restored as it was from the browser's cache.
    const sync = () => {
      const choice = stored();
      if ((root.dataset.theme || "system") === choice) return;
      apply(choice);
      showPressed(group, choice);
      changed();
    };
    window.addEventListener("storage", (event) => {
      if (event.key === KEY || event.key === null) sync();
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) sync();
    });
  });

  // Following the system: its colours change when the system setting does.
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  media.addEventListener("change", () => {
    if (!root.dataset.theme) changed();
  });
})();
