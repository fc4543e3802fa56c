// Every report link (<a data-report href="/reports/new/?...">: the "Notice missing or
// incorrect data?" links and the Report link of each leaderboard or result row) opens
// the report form in place, into the page's #report-form slot. One listener for the
// whole page rather than an hx-get on each link: a leaderboard has one link per row,
// and links swapped in later (a comparison's new column) work as they arrive. Without
// JavaScript, with a modifier key (a new tab) or on a page without the slot, each stays
// a plain link to the report page.
(function () {
  "use strict";

  const SLOT = "#report-form";

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a[data-report]");
    if (!link || !window.htmx || !document.querySelector(SLOT)) return;
    event.preventDefault();
    htmx.ajax("GET", link.getAttribute("href"), { target: SLOT, swap: "outerHTML" });
  });
})();
