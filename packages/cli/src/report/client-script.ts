/**
 * The report page's own script, inlined as text: it makes the static page interactive and
 * draws what would be too big as markup. It touches nothing outside the page (no network,
 * no storage) and reads its data from `<script type="application/json">` elements, never
 * from strings spliced into code.
 *
 * - The section bar: hovering a segment names the section; a click opens its fields.
 * - The page maps: one canvas per RAM block, each bucket a cell, its colours stacked by page
 *   kind in proportion to its counts (a kind that is there at all always shows), laid out in
 *   rows to the canvas's width; hovering names the bucket's address range and counts.
 * - The register table: its rows, made from compact data; status checkboxes, a vCPU choice
 *   and a search box; the count of the rows shown and each status's count are kept to the
 *   vCPU and words chosen; the first 500 matching rows are shown, the rest on request.
 * - The copy button: the fix command to the clipboard (navigator.clipboard, or a selected
 *   text area and execCommand where the clipboard API is refused, as for a file:// page in
 *   some browsers).
 *
 * Plain ES2020 for any current browser; the browser tests run it and fail on any error.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function hex(n) { return "0x" + n.toString(16).padStart(8, "0"); }

  // The section bar.
  var info = $("#bar-info");
  $$(".bar a").forEach(function (seg) {
    seg.addEventListener("mouseenter", function () { info.textContent = seg.getAttribute("data-label"); });
    seg.addEventListener("mouseleave", function () { info.textContent = info.getAttribute("data-idle"); });
    seg.addEventListener("click", function (ev) {
      ev.preventDefault();
      var target = document.getElementById(seg.getAttribute("href").slice(1));
      if (!target) return;
      target.open = true;
      target.classList.add("flash");
      setTimeout(function () { target.classList.remove("flash"); }, 1200);
      target.scrollIntoView({ block: "center" });
    });
  });

  // The page maps.
  var maps = data("page-maps") || [];
  var kinds = data("page-kinds") || { order: [], colours: {} };
  var CELL_H = 18, MIN_CELL_W = 4, MAX_CELL_W = 24, MIN_PART = 4;
  function layout(canvas, n) {
    var width = canvas.clientWidth || 800;
    var cols = Math.max(1, Math.min(n, Math.floor(width / MIN_CELL_W)));
    return { width: width, cols: cols, rows: Math.ceil(n / cols), cellW: Math.min(MAX_CELL_W, width / cols) };
  }
  // The heights of a bucket's kinds: in proportion to their counts, but a kind that is there
  // at all gets MIN_PART pixels, so one data page among thousands of zero pages shows.
  function parts(m, i) {
    var present = kinds.order.filter(function (k) { return m.buckets[k][i] > 0; });
    var total = 0;
    present.forEach(function (k) { total += m.buckets[k][i]; });
    var room = CELL_H - 1, raw = present.map(function (k) { return Math.max(MIN_PART, room * m.buckets[k][i] / total); });
    var sum = raw.reduce(function (a, b) { return a + b; }, 0);
    return present.map(function (k, j) { return { kind: k, h: raw[j] * room / sum }; });
  }
  function drawMap(canvas) {
    var m = maps[Number(canvas.getAttribute("data-map"))];
    var n = m.buckets.zero.length;
    var L = layout(canvas, n);
    var dpr = window.devicePixelRatio || 1;
    canvas.style.height = (L.rows * CELL_H) + "px";
    canvas.width = Math.round(L.width * dpr);
    canvas.height = Math.round(L.rows * CELL_H * dpr);
    var ctx = canvas.getContext("2d");
    ctx.scale(dpr, dpr);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, L.width, L.rows * CELL_H);
    var w = Math.max(1, L.cellW - (L.cellW > 3 ? 1 : 0));
    for (var i = 0; i < n; i++) {
      var x = (i % L.cols) * L.cellW, at = Math.floor(i / L.cols) * CELL_H;
      parts(m, i).forEach(function (p) {
        ctx.fillStyle = kinds.colours[p.kind];
        ctx.fillRect(x, at, w, p.h);
        at += p.h;
      });
    }
    canvas._layout = L;
  }
  $$("canvas.pagemap").forEach(function (canvas) {
    drawMap(canvas);
    var out = canvas.parentNode.querySelector(".map-info");
    canvas.addEventListener("mousemove", function (ev) {
      var m = maps[Number(canvas.getAttribute("data-map"))], L = canvas._layout;
      var r = canvas.getBoundingClientRect();
      var i = Math.floor(ev.clientY - r.top) / CELL_H | 0;
      var col = Math.floor((ev.clientX - r.left) / L.cellW);
      i = i * L.cols + col;
      if (col >= L.cols || i >= m.buckets.zero.length) { out.textContent = ""; return; }
      var from = i * m.bucketBytes, to = Math.min(m.length, from + m.bucketBytes);
      var parts = kinds.order.filter(function (k) { return m.buckets[k][i] > 0; })
        .map(function (k) { return k + " " + grouped(m.buckets[k][i]); });
      out.textContent = hex(from) + "\u2013" + hex(to - 1) + ": " + (parts.length ? parts.join(", ") : "nothing");
    });
    canvas.addEventListener("mouseleave", function () { out.textContent = ""; });
  });
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { $$("canvas.pagemap").forEach(drawMap); }, 100);
  });

  // The register table: its rows made from the compact data (register-table.ts says why).
  var regs = data("register-data");
  var table = $("#registers");
  if (regs && table) {
    var status = {};
    Object.keys(regs.letters).forEach(function (s) { status[regs.letters[s]] = s; });
    var esc = function (s) { return s.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); };
    var full = function (i) { return i < 0 ? "" : "0x" + regs.values[i].padStart(16, "0"); };
    var rows = [];
    regs.cpus.forEach(function (c) {
      var list = regs.lists[c.list], d = 0;
      list.forEach(function (idIndex, i) {
        var st = status[c.status.charAt(i)];
        var value = st === "only-dest" ? "" : full(c.value[i]);
        var dest = st === "differs" ? full(c.dest[d++]) : st === "only-dest" ? full(c.value[i]) : st === "same" && regs.destValues ? value : "";
        var cells = [String(c.cpu), regs.ids[idIndex], regs.names[idIndex], value, dest];
        rows.push({ status: st, cpu: cells[0], cells: cells, text: cells.concat(regs.labels[st]).join(" ").toLowerCase(), tr: null });
      });
    });
    var rowHtml = function (r) {
      var c = r.cells, cls = r.status === "differs" ? "mono differ" : "mono";
      return '<tr data-status="' + r.status + '" data-cpu="' + c[0] + '"><td>' + c[0] + '</td><td class="mono">' + c[1] + "</td><td>" + esc(c[2]) +
        '</td><td class="' + cls + '">' + c[3] + "</td>" +
        (regs.compared ? '<td class="' + cls + '">' + c[4] + '</td><td><span class="status st-' + r.status + '">' + esc(regs.labels[r.status]) + "</span></td>" : "") + "</tr>";
    };
    // Rows become elements when first shown, all new ones parsed at once.
    var make = function (list) {
      var fresh = list.filter(function (r) { return !r.tr; });
      if (!fresh.length) return;
      var t = document.createElement("template");
      t.innerHTML = fresh.map(rowHtml).join("");
      Array.prototype.forEach.call(t.content.children, function (tr, i) { fresh[i].tr = tr; });
    };
    var tbody = $("tbody", table);
    var search = $("#reg-search"), cpuSel = $("#reg-cpu"), count = $("#reg-count"), more = $("#reg-more");
    // The table holds at most ROW_LIMIT rows until "show all" is pressed: making and laying
    // out a table is the page's dearest work (the 5,000 rows of a 16-vCPU guest took Chromium
    // over a second), and nobody reads thousands of rows without narrowing them first.
    var ROW_LIMIT = 500, limit = ROW_LIMIT;
    // Each status's count is of the rows the vCPU choice and the search leave, whatever the
    // checkboxes say: it tells what ticking one would show.
    var apply = function () {
      var on = {}, counts = {};
      $$("input[data-filter]").forEach(function (c) { on[c.getAttribute("data-filter")] = c.checked; counts[c.getAttribute("data-filter")] = 0; });
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var cpu = cpuSel ? cpuSel.value : "";
      var matching = 0, shown = [];
      rows.forEach(function (r) {
        if ((cpu !== "" && r.cpu !== cpu) || !words.every(function (w) { return r.text.indexOf(w) >= 0; })) return;
        counts[r.status]++;
        if (on[r.status] === false) return;
        matching++;
        if (shown.length < limit) shown.push(r);
      });
      make(shown);
      var rowsShown = document.createDocumentFragment();
      shown.forEach(function (r) { rowsShown.appendChild(r.tr); });
      tbody.replaceChildren(rowsShown);
      $$(".filter-count").forEach(function (el) { el.textContent = grouped(counts[el.getAttribute("data-count")]); });
      count.textContent = shown.length < matching
        ? "the first " + grouped(shown.length) + " of " + grouped(matching) + " matching rows shown (" + grouped(rows.length) + " in all)"
        : grouped(shown.length) + " of " + grouped(rows.length) + " rows shown";
      count.setAttribute("data-shown", String(shown.length));
      more.hidden = shown.length === matching;
    };
    more.addEventListener("click", function () { limit = Infinity; apply(); });
    $$("input[data-filter]").forEach(function (c) { c.addEventListener("change", apply); });
    search.addEventListener("input", apply);
    if (cpuSel) cpuSel.addEventListener("change", apply);
    apply();
    // A cpu section's register arrays link here: the link shows that vCPU's rows.
    $$("a.cpreg-ref").forEach(function (a) {
      a.addEventListener("click", function () {
        if (!cpuSel) return;
        cpuSel.value = a.getAttribute("data-cpu");
        apply();
      });
    });
  }

  // Copying the fix command.
  var copy = $("#copy-fix");
  if (copy) {
    copy.addEventListener("click", function () {
      var text = $("#fix-command").textContent;
      var done = function () {
        copy.textContent = "Copied";
        copy.classList.add("copied");
        setTimeout(function () { copy.textContent = "Copy"; copy.classList.remove("copied"); }, 1500);
      };
      var fallback = function () {
        var ta = document.createElement("textarea");
        ta.value = text;
        ta.setAttribute("readonly", "");
        ta.style.position = "fixed";
        ta.style.opacity = "0";
        document.body.appendChild(ta);
        ta.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(ta);
        if (ok) done(); else copy.textContent = "Select and copy";
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    });
  }
})();
`;
