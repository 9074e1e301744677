/// The one script of a sweep's page. Opened as a file it does nothing; served by `backprop
/// serve` it listens to `/api/sweeps/<name>/events` (one event per finished run) and redraws
/// the progress line and the ranked table from `/api/sweeps/<name>` (`SweepStatus`), and
/// reloads the figures when the sweep's process has drawn them anew, all without reloading
/// the page. Text reaches the page as text nodes only (`textContent`), never as markup.
/// `serve` allows no other script on a page: its Content-Security-Policy names this one by
/// its SHA-256 (`scriptHash`; a test checks it against the text).
public enum LiveUpdate {
    public static let script = #"""
    (function () {
      "use strict";
      if (!/^https?:$/.test(location.protocol) || !window.EventSource || !window.fetch) return;
      var progress = document.getElementById("progress"), rows = document.getElementById("ranked");
      if (!progress || !rows) return;
      var api = "/api/sweeps/" + encodeURIComponent(progress.getAttribute("data-sweep"));
      var plots = null, busy = false, again = false, updates = 0;
      function cell(c, tag) {
        var e = document.createElement(tag);
        if (c.left) e.className = "left";
        if (c.code) { var code = document.createElement("code"); code.textContent = c.text; e.appendChild(code); }
        else e.textContent = c.text;
        return e;
      }
      function render(s) {
        progress.textContent = s.progress;
        var head = document.createElement("tr");
        s.table.header.forEach(function (c) { head.appendChild(cell(c, "th")); });
        rows.parentNode.tHead.replaceChildren(head);
        var body = document.createDocumentFragment();
        s.table.rows.forEach(function (r) {
          var tr = document.createElement("tr");
          if (r.troubled) tr.className = "bad";
          r.cells.forEach(function (c) { tr.appendChild(cell(c, "td")); });
          body.appendChild(tr);
        });
        rows.replaceChildren(body);
        if (plots !== null) if (s.plots_modified !== plots) {
          document.querySelectorAll("figure img").forEach(function (img) {
            img.setAttribute("src", img.getAttribute("src").split("?")[0] + "?v=" + s.plots_modified);
          });
        }
        plots = s.plots_modified;
        updates += 1;
        document.documentElement.setAttribute("data-live-updates", String(updates));
      }
      function update() {
        if (busy) { again = true; return; }
        busy = true;
        fetch(api, { cache: "no-store" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (s) { if (s) render(s); }, function () {})
          .then(function () { busy = false; if (again) { again = false; update(); } });
      }
      new EventSource(api + "/events").addEventListener("run", update);
      update();
    })();
    """#

    /// The SHA-256 of `script`'s UTF-8 text, base64, as a Content-Security-Policy names a script.
    public static let scriptHash = "sha256-uc14i+SivcTz3DJxP7f/HZ3Ll68lMQE8xzcoyf+kFJo="

    /// The script as the page holds it.
    static var element: String { "<script>\n" + script + "\n</script>\n" }
}
