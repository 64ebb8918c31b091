/* jtai-extract report: sortable tables and the findings browser. Plain JavaScript, no library;
   without it the page still shows every letter, chart and finding. */
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  each(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-type") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-sort"), y = b.cells[column].getAttribute("data-sort");
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // a mark's labels are numbers in the page's list: named on first hover (thousands of marks)
  var names = JSON.parse(document.getElementById("label-names").textContent);
  document.addEventListener("mouseover", function (event) {
    var mark = event.target;
    if (mark.tagName === "MARK" && !mark.title) {
      mark.title = mark.getAttribute("data-l").split(" ").map(function (n) { return names[Number(n)]; }).join(", ");
    }
  });

  var form = document.getElementById("filters");
  if (!form) { return; }
  var letters = {};
  each(document.querySelectorAll("#letters-table tbody tr"), function (row) {
    letters[row.getAttribute("data-letter")] = {area: row.getAttribute("data-area"), year: row.getAttribute("data-year")};
  });
  var items = Array.prototype.slice.call(document.querySelectorAll("#items > article"));
  var words = items.map(function (item) { return item.textContent.toLowerCase(); });
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var has = function (list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; };

  function apply() {
    var section = form.elements.section.value, theme = form.elements.theme.value;
    var agency = form.elements.agency.value, area = form.elements.area.value;
    var year = form.elements.year.value;
    var query = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item, index) {
      var d = item.dataset, letter = letters[d.letter];
      var match = (!section || d.section === section) && (!theme || has(d.themes, theme)) &&
        (!agency || has(d.agencies, agency)) && (!area || letter.area === area) && (!year || letter.year === year) &&
        query.every(function (word) { return words[index].indexOf(word) >= 0; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = shown === items.length ? items.length + " findings" :
      "Showing " + shown + " of " + items.length + " findings";
    none.hidden = shown > 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  each(document.querySelectorAll("button.show"), function (button) {
    button.addEventListener("click", function () {
      form.reset();
      form.elements.area.value = button.getAttribute("data-area");
      form.elements.year.value = button.getAttribute("data-year");
      apply();
      document.getElementById("findings").scrollIntoView();
    });
  });
  apply();
}());
