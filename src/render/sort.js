// Sorts a table by a column when its header is clicked: by the cell's data-sort
// (an exact figure) when it has one, else by its text. Click again to reverse.
(function () {
  "use strict";
  function key(cell) {
    var sort = cell.getAttribute("data-sort");
    if (sort === null) { return { text: cell.textContent.trim() }; }
    if (sort === "") { return { missing: true }; }
    return { number: parseFloat(sort) };
  }
  function compare(a, b) {
    if (a.missing || b.missing) { return (a.missing ? 1 : 0) - (b.missing ? 1 : 0); }
    if (a.number !== undefined && b.number !== undefined) { return a.number - b.number; }
    return String(a.text).localeCompare(String(b.text), document.documentElement.lang);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      th.classList.add("sortable");
      th.setAttribute("tabindex", "0");
      function sort() {
        var up = !th.classList.contains("sorted-up");
        headers.forEach(function (h) { h.classList.remove("sorted-up", "sorted-down"); });
        th.classList.add(up ? "sorted-up" : "sorted-down");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var a = key(r.cells[column]), b = key(s.cells[column]);
          var order = compare(a, b);
          // Missing figures stay last either way.
          if (a.missing || b.missing) { return order; }
          return up ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  });
})();
