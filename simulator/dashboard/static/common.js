// Shared by the dashboard's canvas charts (curve, lines, meter, network): the widgets'
// Python side prepends this file to each chart's module (simulator/dashboard/widgets.py).

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function savePng(canvas, name) {
  canvas.toBlob((blob) => {
    if (!blob) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }, "image/png");
}

function pngButton(font) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "clsim-png";
  button.title = "Save this chart as a PNG image";
  button.textContent = "PNG";
  button.style.font = `${Math.max(11, Math.round(font * 0.75))}px Roboto, Helvetica, Arial, sans-serif`;
  button.style.border = "1px solid #c8ccd2";
  button.style.borderRadius = "4px";
  button.style.background = "#fff";
  button.style.color = "#333";
  button.style.padding = "1px 6px";
  button.style.marginLeft = "10px";
  button.style.cursor = "pointer";
  return button;
}

// The frame every chart draws in: a title (and, if asked, a legend) above a canvas,
// with the PNG button; `tooltip` adds a hidden tooltip box. Options keep each chart's
// own layout: `positioned` (the root is the tooltip's offset parent), `ellipsis` (a long
// title is cut), `nowrap` (the title stays on one line, uncut), `wrap` (the heading
// wraps), `gap` (space between title and buttons).
function chartFrame(model, el, { className, filename, legend = false, tooltip = false,
  positioned = false, ellipsis = true, nowrap = false, wrap = false, gap = true }) {
  const root = document.createElement("div");
  root.className = className;
  if (positioned) root.style.position = "relative";
  root.style.width = "100%";
  const head = document.createElement("div");
  head.style.display = "flex";
  head.style.justifyContent = "space-between";
  head.style.alignItems = "baseline";
  if (wrap) head.style.flexWrap = "wrap";
  if (gap) head.style.gap = "8px";
  const title = document.createElement("div");
  title.className = "clsim-chart-title";
  if (ellipsis || nowrap) title.style.whiteSpace = "nowrap";
  if (ellipsis) {
    title.style.overflow = "hidden";
    title.style.textOverflow = "ellipsis";
  }
  const png = pngButton(model.get("font_size"));
  let legendBox = null;
  if (legend) {
    legendBox = document.createElement("div");
    legendBox.className = "clsim-legend";
    const right = document.createElement("div");
    right.style.display = "flex";
    right.style.alignItems = "baseline";
    right.style.flexWrap = "wrap";
    right.style.justifyContent = "flex-end";
    right.append(legendBox, png);
    head.append(title, right);
  } else {
    head.append(title, png);
  }
  const canvas = document.createElement("canvas");
  canvas.className = "clsim-plot";
  canvas.style.display = "block";
  canvas.style.width = "100%";
  root.append(head, canvas);
  let tip = null;
  if (tooltip) {
    tip = document.createElement("div");
    tip.className = "clsim-tooltip";
    tip.style.position = "absolute";
    tip.style.pointerEvents = "none";
    tip.style.display = "none";
    root.append(tip);
  }
  el.appendChild(root);
  png.addEventListener("click", () => savePng(canvas, model.get("filename") || filename));
  return { root, head, title, legend: legendBox, png, canvas, tip };
}
