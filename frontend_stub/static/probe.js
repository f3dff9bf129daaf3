// cors-e2e probe: performs exactly the fetch a cell describes, inside the page,
// and reports what script code can observe. One protocol for every driver:
// Playwright calls corsProbe(spec) through page.evaluate, WebDriver through
// execute_async_script. The result is plain JSON.
"use strict";

window.corsProbe = async function corsProbe(spec) {
  // A scenario with a session route first lets the API set its cookie, the
  // way a login call would; the cell's own fetch then shows whether it travels.
  let session = null;
  if (spec.sessionUrl) {
    try {
      const r = await fetch(spec.sessionUrl, {mode: "cors", credentials: "include", cache: "no-store"});
      session = "status " + r.status;
    } catch (err) {
      session = "rejected: " + (err && err.message ? err.message : String(err));
    }
  }
  const started = performance.now();
  const init = {
    method: spec.method,
    mode: "cors",                        // never no-cors: an opaque response is not a pass
    credentials: spec.credentials,       // omit | same-origin | include
    cache: "no-store",                   // isolate cells from the HTTP cache
    redirect: "follow",
    headers: spec.headers || {},
  };
  if (spec.body !== null && spec.body !== undefined) init.body = spec.body;
  const controller = new AbortController();
  init.signal = controller.signal;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, spec.timeoutMs || 10000);
  const result = {
    // The document's own origin: "null" in a sandboxed iframe, where
    // location.origin still spells the URL's origin.
    pageOrigin: typeof self.origin === "string" ? self.origin : location.origin,
    session: session,       // what the session fetch gave, when there was one
    outcome: null,          // resolved | rejected | timeout
    errorName: null,
    errorMessage: null,
    status: null,
    statusText: null,
    type: null,             // basic | cors | opaque ...
    headers: null,          // the response headers script may read
    body: null,             // excerpt
    elapsedMs: null,
    reachable: null,        // only with spec.reachUrl, after a rejection: did the server answer a no-cors GET
    localNetworkPermission: null,  // after a rejection: Chromium's Local Network Access permission,
                                   // "before->after" the fetch (e.g. "prompt->denied")
  };
  const permissionBefore = await localNetworkPermission();
  try {
    const response = await fetch(spec.url, init);
    result.status = response.status;
    result.statusText = response.statusText;
    result.type = response.type;
    result.headers = {};
    response.headers.forEach((value, name) => { result.headers[name] = value; });
    const text = await response.text();
    result.body = text.slice(0, 2048);
    result.outcome = "resolved";
  } catch (err) {
    result.outcome = timedOut ? "timeout" : "rejected";
    result.errorName = err && err.name ? String(err.name) : null;
    result.errorMessage = err && err.message ? String(err.message) : String(err);
  } finally {
    clearTimeout(timer);
  }
  result.elapsedMs = Math.round(performance.now() - started);
  if (result.outcome === "rejected" && spec.reachUrl) {
    // No server log to ask (a deployed API): was the server there at all? A
    // no-cors GET resolves, opaque, whenever the server answers anything, and
    // rejects only when the network fails (refused, DNS, TLS, mixed content).
    const reach = new AbortController();
    const reachTimer = setTimeout(() => reach.abort(), spec.timeoutMs || 10000);
    try {
      await fetch(spec.reachUrl, {mode: "no-cors", credentials: "omit", cache: "no-store",
                                  signal: reach.signal});
      result.reachable = true;
    } catch (err) {
      result.reachable = false;
    } finally {
      clearTimeout(reachTimer);
    }
  }
  if (result.outcome === "rejected") {
    // Chromium's Local Network Access gates a public page's fetch to a loopback
    // or private address behind a permission ("prompt" = never granted): the
    // state tells that refusal from a CORS one. Other engines do not know it.
    const after = await localNetworkPermission();
    result.localNetworkPermission = after ? `${permissionBefore || "unknown"}->${after}` : null;
  }
  // Show the last cell on the page, so a screenshot kept as evidence says what happened.
  const shown = document.getElementById("last-cell");
  if (shown) {
    shown.textContent = JSON.stringify({
      // Origin and path only: a screenshot is evidence, and the query or a
      // user:password@ may hold a secret.
      request: {method: spec.method, url: shownUrl(spec.url), headers: Object.keys(spec.headers || {}),
                credentials: spec.credentials},
      outcome: result.outcome, error: result.errorMessage, status: result.status,
    }, null, 2);
  }
  return result;
};

async function localNetworkPermission() {
  return await permissionState("loopback-network") || await permissionState("local-network-access");
}

async function permissionState(name) {
  try {
    return (await navigator.permissions.query({name: name})).state;
  } catch (err) {
    return null;  // an engine without this permission, or without the Permissions API
  }
}

function shownUrl(url) {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch (err) {
    return "(not shown)";
  }
}

window.corsProbeReady = true;
