/* Issue 18: keyboard and screen-reader users keep their place. After HTMX
   swaps an exercise card (logging it), focus moves to the new card's heading,
   instead of being lost with the button that was replaced. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id) { return; }
    var heading = document.getElementById(target.id + "-h");
    if (heading) { heading.focus(); }
  });
})();
