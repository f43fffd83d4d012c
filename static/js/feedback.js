// Save, "not for me" and undo on the recommendations page, sent in the background: the card changes in place, a
// dismissed card moves into the "not for me" box below the list (and back on save or undo), and the typed reason
// stays in its field. Without this script the form posts and the page comes back to the same card (#program-<id>).
(function () {
  "use strict";
  function recount(box) {
    var n = box.querySelectorAll(".dismissed-list > li").length;
    box.querySelector(".dismissed-count").textContent = String(n);
    box.hidden = n === 0;
  }
  function show(card, form, body) {
    var status = card.querySelector(".said");
    status.classList.remove("error");
    status.textContent = "";
    if (body.label) {
      var badge = document.createElement("span");
      badge.className = body.kind === "dismiss" ? "badge warn" : "badge";
      badge.textContent = body.label;
      status.appendChild(badge);
    }
    var undo = form.querySelector('button[value="withdraw"]');
    if (undo) { undo.hidden = !body.kind; }
    var box = document.getElementById("dismissed");
    var main = document.querySelector(".programs-list");
    if (!box || !main) { return; }
    var inBox = box.contains(card);
    if (body.kind === "dismiss" && !inBox) {
      box.querySelector(".dismissed-list").appendChild(card);
    } else if (body.kind !== "dismiss" && inBox) {
      main.appendChild(card);
    }
    recount(box);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-background]") || !window.fetch || !event.submitter) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.append(event.submitter.name, event.submitter.value);
    var card = form.closest("li");
    var status = card.querySelector(".said");
    var failed = form.getAttribute("data-failed") || "";
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          status.textContent = answer.body.error || failed;
          status.classList.add("error");
          return;
        }
        show(card, form, answer.body);
      })
      .catch(function () {
        status.textContent = failed;
        status.classList.add("error");
      });
  });
})();
