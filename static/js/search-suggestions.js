// Benchboard's header search suggestions: the ARIA combobox around #site-search-q.
// htmx fetches the options as the visitor types (the input's hx-get, pages/suggestions.py)
// into the #site-search-listbox listbox; this script shows and hides that list, moves
// through it with the arrow keys (aria-activedescendant: the focus stays in the box),
// opens the active option on Enter and announces how many options there are.
// Without JavaScript the list stays hidden and the form goes to /search/ as before.
(function () {
  "use strict";

  function setUp() {
    const input = document.getElementById("site-search-q");
    const listbox = document.getElementById("site-search-listbox");
    const status = document.getElementById("site-search-status");
    if (!input || !listbox || !status) return;
    const form = input.form;
    let active = null; // the option aria-activedescendant names
    let dismissed = false; // closed by Escape: stays closed until the visitor types again

    const options = () => Array.from(listbox.querySelectorAll('[role="option"]'));
    const isOpen = () => !listbox.hidden;
    const hasQuery = () => input.value.trim() !== "";

    function setActive(option) {
      if (active) active.setAttribute("aria-selected", "false");
      active = option;
      if (option) {
        option.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(null);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      if (!hasQuery() || options().length === 0) {
        close();
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function announce() {
      const count = options().length;
      if (!hasQuery()) status.textContent = "";
      else if (count === 0) status.textContent = "No suggestions.";
      else
        status.textContent = `${count} suggestion${count === 1 ? "" : "s"}, up and down arrows to choose.`;
    }

    // Moves the active option by `step`, round the ends; opens the list first if closed.
    function move(step) {
      const all = options();
      if (all.length === 0) return;
      if (!isOpen()) {
        dismissed = false;
        open();
      }
      const index = active ? all.indexOf(active) : step > 0 ? -1 : all.length;
      setActive(all[(index + step + all.length) % all.length]);
    }

    // New options arrived (htmx swapped them in).
    listbox.addEventListener("htmx:afterSwap", () => {
      setActive(null);
      if (document.activeElement === input && !dismissed) open();
      else close();
      announce();
    });

    input.addEventListener("input", () => {
      dismissed = false;
      setActive(null); // the options are about to change
      if (!hasQuery()) {
        close();
        announce();
      }
    });

    input.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
          if (options().length === 0) return;
          event.preventDefault();
          move(1);
          break;
        case "ArrowUp":
          if (options().length === 0) return;
          event.preventDefault();
          move(-1);
          break;
        case "Enter":
          if (isOpen() && active) {
            event.preventDefault(); // open the option, do not submit the search
            const url = active.href;
            close();
            window.location.assign(url);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault(); // only close; a second Escape clears the box
            dismissed = true;
            close();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    // Back in the box: show the options it had.
    const reopen = () => {
      if (isOpen() || !hasQuery()) return;
      dismissed = false;
      open();
    };
    input.addEventListener("focus", reopen);
    input.addEventListener("click", reopen);

    // A press on the list keeps the focus in the box (a click on an option still opens it).
    listbox.addEventListener("mousedown", (event) => event.preventDefault());

    // A click or the focus anywhere else closes the list.
    document.addEventListener("click", (event) => {
      if (!form.contains(event.target)) close();
    });
    form.addEventListener("focusout", (event) => {
      if (!event.relatedTarget || !form.contains(event.relatedTarget)) close();
    });

    // A page Back brings from the browser's cache shows no list left open.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
