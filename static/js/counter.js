// A character counter for fields with data-max: "12 / 200" under the field; past the limit the counter turns red and
// the form will not send (the browser shows data-over as the field's message), so nothing typed is cut or lost.
(function () {
  "use strict";
  function attach(field) {
    var max = parseInt(field.getAttribute("data-max"), 10);
    var counter = document.createElement("small");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var n = Array.from(field.value).length;
      counter.textContent = n + " / " + max;
      var over = n > max;
      counter.classList.toggle("over", over);
      field.setCustomValidity(over ? (field.getAttribute("data-over") || "") : "");
    }
    field.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-max]").forEach(attach);
  });
})();
