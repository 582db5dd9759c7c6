document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.classList.add("sortable");
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.dataset.asc !== "1"; th.dataset.asc = asc ? "1" : "0";
    var rows = Array.prototype.slice.call(body.rows);
    function key(cell) { return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim(); }
    rows.sort(function (a, b) {
      var x = key(a.cells[i]), y = key(b.cells[i]), nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
