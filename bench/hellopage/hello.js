// hello.js — the baseline page of bench/tti.mjs: compile bench/hello while
// it streams (the preload link started the download), run it, and note the
// moment Go called back. An external script: the server's CSP allows no
// inline script.
'use strict';
(() => {
  const href = document.querySelector('link[rel="preload"][type="application/wasm"]').href;
  const module = WebAssembly.compileStreaming(fetch(href));
  globalThis.__goiapBenchHello = () => {
    document.getElementById('out').textContent = 'hello ran';
    document.body.dataset.ready = 'true';
    globalThis.__goiapReady?.(performance.now());
  };
  module
    .then((m) => {
      const go = new Go();
      return WebAssembly.instantiate(m, go.importObject).then((i) => go.run(i));
    })
    .catch((e) => { document.getElementById('out').textContent = `failed: ${e}`; });
})();
