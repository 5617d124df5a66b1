/* Progressive enhancement of a questionnaire: a question asked only after a given
   answer is hidden until that answer is chosen. Without this script every question
   shows, with its condition written beside it; the server ignores skipped answers. */
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  if (!form) { return; }
  var conditional = form.querySelectorAll("[data-condition-field]");
  function update() {
    conditional.forEach(function (block) {
      var name = block.getAttribute("data-condition-field");
      var value = block.getAttribute("data-condition-value");
      var source = form.querySelector('[name="' + name + '"][value="' + value + '"]');
      var sourceBlock = source ? source.closest("[data-question]") : null;
      block.hidden = !(source && source.checked && !(sourceBlock && sourceBlock.hidden));
    });
  }
  form.addEventListener("change", update);
  update();
}());
