/* jtai-extract view: an item and its boxes light up together (hover, focus or click). */
(function () {
  "use strict";
  var lit = [];
  function light(key) {
    lit.forEach(function (element) { element.classList.remove("on"); });
    lit = key ? Array.prototype.slice.call(document.querySelectorAll('[data-item="' + key + '"]')) : [];
    lit.forEach(function (element) { element.classList.add("on"); });
  }
  function keyOf(event) {
    var element = event.target.closest ? event.target.closest("[data-item]") : null;
    return element ? element.getAttribute("data-item") : null;
  }
  document.addEventListener("mouseover", function (event) { var key = keyOf(event); if (key) { light(key); } });
  document.addEventListener("focusin", function (event) { light(keyOf(event)); });
  document.addEventListener("click", function (event) {
    var key = keyOf(event);
    if (!key || !event.target.closest("g.box")) { return; }
    var page = event.target.closest(".page-row");
    var item = page && page.querySelector('article[data-item="' + key + '"]');
    if (item) { item.scrollIntoView({block: "nearest"}); item.focus({preventScroll: true}); }
  });
}());
