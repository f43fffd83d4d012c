// The admin export's "Select all" box, without the inline onchange handler our Content-Security-Policy blocks:
// the same handler django-import-export ships (export_selectable_fields.js), attached here.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (box) {
    box.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") { window.onSelectToggleChange(event); }
    });
  });
});
