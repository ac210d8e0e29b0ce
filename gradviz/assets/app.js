// gradviz: scale each display equation down to fit its box (to 70 % at most); one still too wide is broken
// into lines at KaTeX's break points instead (app.css, .gv-wrap), and anything left scrolls in its own box. Runs once per page load; refits when Streamlit redraws or the window
// changes size. Injected by app.py with st.html(..., unsafe_allow_javascript=True): this file only.
(() => {
  if (window.__gradvizFit) return;
  window.__gradvizFit = true;
  const MIN_SCALE = 0.7;  // below this a phone's maths is too small to read: scroll instead
  const KATEX_EM = 1.21;  // KaTeX's own size for .katex, relative to the text around it
  const fit = () => {
    for (const box of document.querySelectorAll(".katex-display")) {
      const maths = box.querySelector(":scope > .katex");
      if (!maths) continue;
      maths.style.fontSize = "";
      box.classList.remove("gv-wrap");
      const have = box.clientWidth, need = box.scrollWidth;
      if (have > 0 && need > have + 1) {
        const scale = Math.max(MIN_SCALE, (have - 2) / need);
        maths.style.fontSize = (KATEX_EM * scale).toFixed(3) + "em";
        // still too wide at the smallest readable size: break it into lines (app.css, .gv-wrap)
        if (box.scrollWidth > box.clientWidth + 1) {
          maths.style.fontSize = "";
          box.classList.add("gv-wrap");
        }
      }
    }
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fit(); });
  };
  new MutationObserver(soon).observe(document.body, {childList: true, subtree: true});
  window.addEventListener("resize", soon);
  soon();
})();
