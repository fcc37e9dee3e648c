// The Dsl dashboard's only script: live refresh of the page's sections, and zoom/pan of the SVG charts.
// Served from the assembly; no libraries, no network beyond this server.
"use strict";
(function () {
  const body = document.body;
  const live = document.getElementById("live");

  function setLive(on, text) {
    if (!live) return;
    live.className = "live " + (on ? "on" : "off");
    live.textContent = text;
  }

  // Each [data-live-src] element is replaced by what its address serves: on load when it carries data-live-now,
  // and whenever the page's revision changes.
  async function refresh(element) {
    const response = await fetch(element.dataset.liveSrc, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(response.status + " " + element.dataset.liveSrc);
    element.innerHTML = await response.text();
    element.querySelectorAll("svg[data-zoom]").forEach(zoomable);
    document.dispatchEvent(new CustomEvent("dsl:refreshed", { detail: element.id }));
  }

  function refreshAll(selector) {
    return Promise.all(Array.from(document.querySelectorAll(selector)).map(refresh));
  }

  async function poll() {
    const url = body.dataset.revisionUrl;
    if (!url) return;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (data.revision !== body.dataset.revision) {
        body.dataset.revision = data.revision;
        await refreshAll("[data-live-src]");
      }
      setLive(true, "live");
    } catch (e) {
      setLive(false, "offline, retrying");
    }
    setTimeout(poll, Number(body.dataset.poll || 2000));
  }

  // Scroll zooms around the pointer, drag pans, double-click resets: all by the viewBox, so the marks stay crisp.
  function zoomable(svg) {
    if (svg.dataset.zoomReady) return;
    svg.dataset.zoomReady = "1";
    const initial = svg.getAttribute("viewBox").split(" ").map(Number);
    let box = initial.slice();
    let drag = null;
    const apply = () => svg.setAttribute("viewBox", box.join(" "));
    const toSvg = (event) => {
      const rect = svg.getBoundingClientRect();
      return [box[0] + (event.clientX - rect.left) / rect.width * box[2], box[1] + (event.clientY - rect.top) / rect.height * box[3]];
    };
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const [x, y] = toSvg(event);
      const k = event.deltaY < 0 ? 0.8 : 1.25;
      const w = Math.min(initial[2], box[2] * k), h = Math.min(initial[3], box[3] * k);
      box = [x - (x - box[0]) * w / box[2], y - (y - box[1]) * h / box[3], w, h];
      apply();
    }, { passive: false });
    svg.addEventListener("mousedown", (event) => { drag = { x: event.clientX, y: event.clientY, box: box.slice() }; });
    window.addEventListener("mouseup", () => { drag = null; });
    svg.addEventListener("mousemove", (event) => {
      if (!drag) return;
      const rect = svg.getBoundingClientRect();
      box = [drag.box[0] - (event.clientX - drag.x) / rect.width * box[2], drag.box[1] - (event.clientY - drag.y) / rect.height * box[3], box[2], box[3]];
      apply();
    });
    svg.addEventListener("dblclick", () => { box = initial.slice(); apply(); });
  }

  document.querySelectorAll("svg[data-zoom]").forEach(zoomable);
  refreshAll("[data-live-now]").catch(() => setLive(false, "offline, retrying"));
  if (body.dataset.revisionUrl) setTimeout(poll, Number(body.dataset.poll || 2000));
})();
