// cors-e2e opaque-origin page: the same corsProbe(spec) the drivers call on
// the stub page, but the fetch runs in a sandboxed iframe (an opaque origin,
// "Origin: null"), so every engine tests null the way an attacker gets it.
// The frame answers by postMessage; the page is ready once the frame is.
"use strict";

(function () {
  const pending = new Map();
  let next = 0;

  function frame() {
    return document.getElementById("frame");
  }

  window.addEventListener("message", (event) => {
    const f = frame();
    if (!f || event.source !== f.contentWindow || !event.data) return;
    if (event.data.ready) {
      window.corsProbeReady = true;
      return;
    }
    const resolve = pending.get(event.data.id);
    if (resolve) {
      pending.delete(event.data.id);
      resolve(event.data.result);
      const shown = document.getElementById("last-cell");
      const r = event.data.result || {};
      if (shown) shown.textContent = JSON.stringify({pageOrigin: r.pageOrigin, outcome: r.outcome,
                                                     error: r.errorMessage, status: r.status}, null, 2);
    }
  });

  window.corsProbe = function corsProbe(spec) {
    return new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      // "*": the frame's origin is opaque, no other target origin matches it.
      frame().contentWindow.postMessage({id: id, spec: spec}, "*");
    });
  };
})();
