// What the wall's layout tests measure in the DOM (tests/integration/wall_checks.py runs it).
const minPx = arguments[0];
const W = window.innerWidth, H = window.innerHeight, u = H / 1080;
const root = document.querySelector('#wall-root');
const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const ownText = (el) => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
const label = (el) => (el.textContent || '').trim().slice(0, 30);
const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
const out = {scroll: [], overflow: [], clipped: [], overlap: [], small: [], unfit: [], fill: 0};
const de = document.documentElement;
if (de.scrollWidth > W + 1 || de.scrollHeight > H + 1) out.scroll.push([de.scrollWidth, de.scrollHeight]);
// the boxes that make up the screen: header, tiles, panels (and the centre's views where they sit side by side)
const all = Array.from(root.querySelectorAll('.wall-header, .tile, .wall-panel, .wall-centre .wall-view'))
  .filter(visible).filter(el => !(el.classList.contains('wall-view') && !getComputedStyle(el.parentElement).flexDirection.startsWith('row')));
const boxes = all.filter(a => !all.some(b => b !== a && a.contains(b)));
// text in HTML: no box scrolls sideways, nothing sticks out of its tile or panel, nothing under the minimum size
for (const el of root.querySelectorAll('*')) {
  if (!visible(el) || !ownText(el) || el.closest('.js-plotly-plot')) continue;
  const rolling = el.closest('.wall-roll-track');
  if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') out.overflow.push([label(el), el.scrollWidth, el.clientWidth]);
  const box = el.closest('.tile, .wall-panel, .wall-header');
  if (box && !rolling && !inside(el.getBoundingClientRect(), box.getBoundingClientRect())) out.clipped.push(label(el));
  const fs = parseFloat(getComputedStyle(el).fontSize);
  if (fs < minPx * u - 0.5) out.small.push([label(el), fs]);
}
// text drawn by plotly (hover labels excepted): the same minimum
for (const t of root.querySelectorAll('.js-plotly-plot svg text')) {
  if (!visible(t) || t.closest('.hoverlayer') || !t.textContent.trim()) continue;
  const fs = parseFloat(t.style.fontSize || getComputedStyle(t).fontSize);
  if (fs < minPx * u - 0.5) out.small.push([t.textContent.trim().slice(0, 30), fs]);
}
// every drawn figure fits the panel it sits in
for (const g of root.querySelectorAll('.js-plotly-plot')) {
  if (!visible(g)) continue;
  const svg = g.querySelector('.main-svg'); const box = g.closest('.wall-view, .wall-panel');
  if (svg && box && !inside(svg.getBoundingClientRect(), box.getBoundingClientRect())) out.unfit.push(g.id || g.parentElement.id);
}
// panels do not overlap, and together they cover the screen
let area = 0;
for (let i = 0; i < boxes.length; i++) {
  const a = boxes[i].getBoundingClientRect();
  area += Math.max(0, Math.min(a.right, W) - Math.max(a.left, 0)) * Math.max(0, Math.min(a.bottom, H) - Math.max(a.top, 0));
  for (let j = i + 1; j < boxes.length; j++) {
    if (boxes[i].contains(boxes[j]) || boxes[j].contains(boxes[i])) continue;
    const b = boxes[j].getBoundingClientRect();
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) out.overlap.push([boxes[i].className, boxes[j].className]);
  }
}
out.fill = area / (W * H);
return out;
