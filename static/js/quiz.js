/* Zhitu quiz: one screen of questions at a time, a progress bar, back and forward, and answers kept in this
   browser tab's sessionStorage so a reload loses nothing. Nothing is sent until the student asks for the result.
   Without JavaScript the form still works: every question shows and one button submits. */
(function () {
  "use strict";
  var PREFIX = "zhitu-quiz-";

  if (document.querySelector("[data-quiz-done]")) {
    // The result is on screen: forget the answers kept for this tab.
    Object.keys(sessionStorage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) { sessionStorage.removeItem(key); }
    });
    return;
  }

  var form = document.getElementById("quiz");
  if (!form) { return; }
  var key = form.dataset.storageKey;
  var total = parseInt(form.dataset.total, 10);
  var screens = Array.prototype.slice.call(form.querySelectorAll(".screen"));
  var back = form.querySelector(".back"), next = form.querySelector(".next"), finish = form.querySelector(".finish");
  var hint = form.querySelector(".screen-hint");
  var progress = document.querySelector(".progress");
  var bar = progress.querySelector(".progress-bar"), text = progress.querySelector(".progress-text");
  var started = form.querySelector("input[name=started]");
  var state;
  try { state = JSON.parse(sessionStorage.getItem(key)) || {}; } catch (e) { state = {}; }
  state.answers = state.answers || {};
  if (state.started) { started.value = state.started; } else { state.started = started.value; }

  function save() { try { sessionStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode */ } }

  Object.keys(state.answers).forEach(function (name) {
    var input = form.querySelector("input[name='" + name + "'][value='" + state.answers[name] + "']");
    if (input && !form.querySelector("input[name='" + name + "']:checked")) { input.checked = true; }
  });

  function answered() { return form.querySelectorAll("input[type=radio]:checked").length; }

  function screenDone(index) {
    return Array.prototype.every.call(screens[index].querySelectorAll("fieldset"), function (fieldset) {
      return fieldset.querySelector("input:checked");
    });
  }

  function show(index) {
    state.screen = Math.max(0, Math.min(index, screens.length - 1));
    screens.forEach(function (screen, i) { screen.hidden = i !== state.screen; });
    back.hidden = state.screen === 0;
    next.hidden = state.screen === screens.length - 1;
    finish.hidden = state.screen !== screens.length - 1;
    hint.hidden = true;
    var done = answered();
    bar.style.width = "calc((100% - 4rem) * " + (done / total) + ")";  // within the track, left of the count
    bar.setAttribute("aria-valuenow", String(done));
    text.textContent = done + " / " + total;
    save();
  }

  form.addEventListener("change", function (event) {
    if (event.target.type !== "radio") { return; }
    state.answers[event.target.name] = event.target.value;
    show(state.screen);
    if (screenDone(state.screen) && state.screen < screens.length - 1) {
      window.setTimeout(function () { show(state.screen + 1); window.scrollTo(0, 0); }, 250);
    }
  });
  next.addEventListener("click", function () {
    if (!screenDone(state.screen)) { hint.hidden = false; return; }
    show(state.screen + 1);
    window.scrollTo(0, 0);
  });
  back.addEventListener("click", function () { show(state.screen - 1); window.scrollTo(0, 0); });

  function firstOpenScreen() {
    for (var i = 0; i < screens.length; i += 1) { if (!screenDone(i)) { return i; } }
    return screens.length - 1;
  }

  form.addEventListener("submit", function (event) {
    // Hidden screens cannot show the browser's own "required" message: send the student to the gap instead.
    var open = firstOpenScreen();
    if (!screenDone(open)) { event.preventDefault(); show(open); hint.hidden = false; window.scrollTo(0, 0); }
  });

  form.noValidate = true;
  progress.hidden = false;
  show(firstOpenScreen());
  // Back from the result page: the browser puts the ticks back after this script has run (or restores the page
  // from its cache); count them again, and keep them, so the bar never says 0 beside answered questions.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (input) {
      state.answers[input.name] = input.value;
    });
    show(state.screen);
  });
}());
