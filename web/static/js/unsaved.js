// Unsaved changes: before the page of a form marked data-warn-unsaved is
// left (a link, the back button, closing the tab, signing out), the browser
// asks for confirmation when a field of the form differs from what the page
// loaded with, or when the page shows values not saved yet (a field marked
// data-unsaved: a save refused, values restored after signing in again).
// Submitting the form itself does not ask. The rich-text editor writes its
// textarea as the user types, so its changes count like any other field.
// The script is loaded by the marked forms (components.KeepInput).
(function () {
  "use strict";
  // Every form marked on the page loads this script: run once.
  if (window.traguardoUnsaved) return;
  window.traguardoUnsaved = true;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) return;

  function state(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return parts.join("&");
  }

  var loaded = forms.map(state);
  var submitting = false;
  forms.forEach(function (form) {
    form.addEventListener("submit", function () { submitting = true; });
  });

  function changed() {
    return forms.some(function (form, i) {
      return form.querySelector("[data-unsaved]") !== null || state(form) !== loaded[i];
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !changed()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = "";
  });
  // Back from the next page (the browser's cache of pages): the form may be
  // submitted again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) submitting = false;
  });
})();
