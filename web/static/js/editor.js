// Rich-text fields: a <textarea data-richtext> becomes a Squire editor with a
// small toolbar (bold, italics, lists). Without JavaScript the textarea still
// works with plain HTML; the server sanitises whatever arrives.
(function () {
  "use strict";
  if (!window.Squire || !window.DOMPurify) return;

  var buttons = [
    { label: "Grassetto", cls: "fw-bold", on: "bold", off: "removeBold", test: "B" },
    { label: "Corsivo", cls: "fst-italic", on: "italic", off: "removeItalic", test: "I" },
    { label: "Elenco puntato", on: "makeUnorderedList", off: "removeList", test: "UL" },
    { label: "Elenco numerato", on: "makeOrderedList", off: "removeList", test: "OL" }
  ];

  function sanitize(html) {
    return DOMPurify.sanitize(html, {
      ALLOWED_TAGS: ["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li"],
      ALLOWED_ATTR: [],
      RETURN_DOM_FRAGMENT: true
    });
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(function (area) {
    var label = document.querySelector('label[for="' + area.id + '"]');
    var wrap = document.createElement("div");
    wrap.className = "richtext border rounded mb-2";
    var bar = document.createElement("div");
    bar.className = "richtext-toolbar border-bottom p-1";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formattazione di " + (label ? label.textContent : "testo"));
    var box = document.createElement("div");
    box.className = "richtext-body p-2";
    box.id = area.id + "-editor";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    if (label) box.setAttribute("aria-labelledby", label.id || (label.id = area.id + "-label"));
    if (area.getAttribute("aria-describedby")) box.setAttribute("aria-describedby", area.getAttribute("aria-describedby"));
    wrap.appendChild(bar);
    wrap.appendChild(box);
    area.parentNode.insertBefore(wrap, area);
    area.hidden = true;
    if (label) label.setAttribute("for", box.id);

    var editor = new window.Squire(box, { blockTag: "P", sanitizeToDOMFragment: sanitize });
    editor.setHTML(area.value);
    var sync = function () { area.value = editor.getHTML(); };
    editor.addEventListener("input", sync);
    area.form && area.form.addEventListener("submit", sync);

    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn btn-sm btn-outline-primary me-1 " + (b.cls || "");
      // The visible text is the accessible name (WCAG 2.5.3).
      btn.textContent = b.label;
      btn.setAttribute("aria-pressed", "false");
      btn.addEventListener("click", function () {
        var active = editor.hasFormat(b.test);
        editor[active ? b.off : b.on]();
        sync();
        box.focus();
      });
      editor.addEventListener("pathChange", function () {
        btn.setAttribute("aria-pressed", String(editor.hasFormat(b.test)));
      });
      bar.appendChild(btn);
    });
  });
})();
