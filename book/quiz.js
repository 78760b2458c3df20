/* The chapter quiz's script: book/quiz.py copies this file, without this first comment, into each
   quiz's output (an inline <script>), so it runs on the website without a kernel and in Jupyter once
   the cell has run, with nothing loaded from elsewhere. Progressive enhancement: the quiz works
   without it (each question's <details> folds out the answers); it adds a Check button per
   question and says right or wrong, and why, in the question's aria-live region. The feedback is
   copied from the question's own <details> (its data-why and data-value parts), so each text exists
   once. It enhances its own quiz (and any other on the page not yet enhanced), once. */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.closest(".bq-quiz");
  function toNumber(text) {
    var t = text.replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (t.indexOf(",") >= 0 && t.indexOf(".") < 0) t = t.replace(",", ".");
    var n = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?";
    var m = t.match(new RegExp("^(" + n + ")(?:/(" + n + "))?$", "i"));
    if (!m) return NaN;
    return m[2] === undefined ? parseFloat(m[1]) : parseFloat(m[1]) / parseFloat(m[2]);
  }
  function why(q, key) {
    var part = q.querySelector('[data-why="' + key + '"]');
    return part ? part.innerHTML : "";
  }
  function say(q, right, message) {
    var box = q.querySelector(".bq-feedback");
    q.classList.toggle("bq-right", right === true);
    q.classList.toggle("bq-wrong", right === false);
    var verdict = right === true ? "<strong>Right.</strong> " :
                  right === false ? "<strong>Not quite.</strong> " : "";
    box.innerHTML = "";  // emptied first, so that a repeated message is announced again
    setTimeout(function () { box.innerHTML = verdict + message; }, 60);
  }
  function check(q) {
    if (q.dataset.kind === "choice") {
      var picked = q.querySelector("input:checked");
      if (!picked) return say(q, null, "Choose one of the answers first.");
      return say(q, picked.dataset.correct === "true", why(q, picked.value));
    }
    var value = toNumber(q.querySelector("input").value);
    if (isNaN(value)) return say(q, null, "Type a number, such as 0.25, \u22121.5 or 1/4.");
    var tolerance = parseFloat(q.dataset.tolerance) * (1 + 1e-9);
    if (Math.abs(value - parseFloat(q.dataset.answer)) <= tolerance) return say(q, true, why(q, "right"));
    var slips = q.querySelectorAll("[data-value]");
    for (var i = 0; i < slips.length; i++) {
      if (Math.abs(value - parseFloat(slips[i].dataset.value)) <= tolerance)
        return say(q, false, slips[i].innerHTML);
    }
    say(q, false, why(q, "other"));
  }
  function enhance(quiz) {
    if (!quiz || quiz.dataset.ready) return;
    quiz.dataset.ready = "true";
    var intro = quiz.querySelector(".bq-intro");
    if (intro) intro.textContent = intro.dataset.withScript;
    quiz.querySelectorAll("[data-quiz-question]").forEach(function (q) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "bq-check";
      button.textContent = "Check";
      button.addEventListener("click", function () { check(q); });
      q.insertBefore(button, q.querySelector(".bq-feedback"));
      var field = q.querySelector('input[type="text"]');
      if (field) field.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); check(q); }
      });
    });
  }
  enhance(here);
  document.querySelectorAll(".bq-quiz").forEach(enhance);
})();
