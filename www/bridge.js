// The bridge to a page of the same origin that embeds this one (the essay): it may ask the lesson to run to
// its end (`{type: 'rtml:run'}`), and hears its result when the run is complete (`{type: 'rtml:done', ...}`).
// Messages from any other origin or window are ignored; nothing is sent anywhere else.

/**
 * `runToEnd()` starts the run to its end; `result()` is what to post when done. Returns `done(isDone)`,
 * to call after each draw: it posts once per completed run.
 */
export function setupBridge(runToEnd, result) {
  if (window.parent === window) return () => {};
  let posted = false;
  let complete = false;
  const post = () => postDone(result());
  window.addEventListener('message', (e) => {
    if (e.origin !== location.origin || e.source !== window.parent || e.data?.type !== 'rtml:run') return;
    if (complete) post();
    else runToEnd();
  });
  return (isDone) => {
    complete = isDone;
    if (!isDone) posted = false;
    else if (!posted) { posted = true; post(); }
  };
}

/** Posts a finished result to an embedding page of the same origin (nothing when not embedded). */
export function postDone(payload) {
  if (window.parent !== window) window.parent.postMessage({ type: 'rtml:done', ...payload }, location.origin);
}
