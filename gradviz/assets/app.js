// gradviz: every display equation fits its box. In order: as it is; scaled down (not below 70 %); broken into
// lines at KaTeX's own break points (app.css, .gv-wrap; a phone's CSS breaks them from the start); broken and
// scaled; and whatever is still wider scrolls inside its own box (app.css). Refits when Streamlit redraws or
// the window changes size. Injected once by app.py with st.html(..., unsafe_allow_javascript=True).
(() => {
  if (window.__gradvizFit) return;
  window.__gradvizFit = true;
  const MIN_SCALE = 0.7;  // below this a phone's maths is too small to read: break or scroll instead
  const KATEX_EM = 1.21;  // KaTeX's own size for .katex, relative to the text around it
  const fits = box => box.scrollWidth <= box.clientWidth;
  const scale = (box, maths) => {
    for (let i = 0; i < 3 && !fits(box); i++) {  // a few passes: padding and rounding do not scale
      const now = parseFloat(maths.style.fontSize) / KATEX_EM || 1;
      const next = Math.max(MIN_SCALE, now * (box.clientWidth - 4) / box.scrollWidth);
      maths.style.fontSize = (KATEX_EM * next).toFixed(3) + "em";
    }
  };
  const fitOne = box => {
    const maths = box.querySelector(":scope > .katex");
    if (!maths || box.clientWidth === 0) return;
    maths.style.fontSize = "";
    box.classList.remove("gv-wrap");
    if (fits(box)) return;
    scale(box, maths);
    if (fits(box)) return;
    maths.style.fontSize = "";
    box.classList.add("gv-wrap");
    if (!fits(box)) scale(box, maths);
  };
  const fit = () => document.querySelectorAll(".katex-display").forEach(fitOne);
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
