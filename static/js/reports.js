// Report links in a leaderboard open the report form in place. A large leaderboard has
// one per row, so instead of an hx-get on each, the table body names the slot:
// <tbody data-report-target="#report-form">. Without JavaScript (or with a modifier key,
// to open a new tab) each stays a plain link to the report page.
(function () {
  "use strict";

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("tbody[data-report-target] a[data-report]");
    if (!link || !window.htmx) return;
    const target = link.closest("tbody").dataset.reportTarget;
    if (!document.querySelector(target)) return;
    event.preventDefault();
    htmx.ajax("GET", link.getAttribute("href"), { target, swap: "outerHTML" });
  });
})();
