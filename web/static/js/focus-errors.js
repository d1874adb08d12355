// The error summary of a form refused by the server takes the focus when
// the page opens, so that a keyboard or screen-reader user lands on what to
// correct rather than at the top of the page; its links lead to the fields.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();
})();
