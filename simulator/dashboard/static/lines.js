// A small line chart for the clsim dashboard, drawn on a <canvas>.
//
// Earlier runs are drawn faint; the current run bold. The server sends the earlier runs
// once per run and the current run's few hundred points each month.

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "clsim-linechart";
  root.style.position = "relative";
  root.style.width = "100%";
  const head = document.createElement("div");
  head.style.display = "flex";
  head.style.justifyContent = "space-between";
  head.style.alignItems = "baseline";
  head.style.flexWrap = "wrap";
  const title = document.createElement("div");
  title.className = "clsim-chart-title";
  const legend = document.createElement("div");
  legend.className = "clsim-legend";
  head.append(title, legend);
  const canvas = document.createElement("canvas");
  canvas.style.display = "block";
  canvas.style.width = "100%";
  const tip = document.createElement("div");
  tip.className = "clsim-tooltip";
  tip.style.position = "absolute";
  tip.style.pointerEvents = "none";
  tip.style.display = "none";
  root.append(head, canvas, tip);
  el.appendChild(root);

  let pending = false;
  let frame = null;
  let hoverX = null;

  let shownHeader = "";

  function header() {
    const font = model.get("font_size");
    const key = JSON.stringify([
      font,
      model.get("title"),
      model.get("current").map((s) => [s.name, s.colour]),
      model.get("earlier").length > 0,
    ]);
    if (key === shownHeader) return;
    shownHeader = key;
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.25)}px`;
    legend.style.fontSize = `${font}px`;
    legend.innerHTML = "";
    for (const series of model.get("current")) {
      const item = document.createElement("span");
      item.style.marginLeft = "12px";
      item.style.whiteSpace = "nowrap";
      const mark = document.createElement("span");
      mark.style.display = "inline-block";
      mark.style.width = `${Math.round(font * 1.4)}px`;
      mark.style.height = "3px";
      mark.style.background = series.colour;
      mark.style.marginRight = "4px";
      mark.style.verticalAlign = "middle";
      item.append(mark, document.createTextNode(series.name));
      legend.append(item);
    }
    if (model.get("earlier").length) {
      const item = document.createElement("span");
      item.style.marginLeft = "12px";
      item.style.color = "#888";
      item.textContent = "faint: earlier runs";
      legend.append(item);
    }
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function draw() {
    const width = Math.max(80, root.clientWidth);
    const height = model.get("height");
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const font = model.get("font_size");
    ctx.font = `${font}px Roboto, Helvetica, Arial, sans-serif`;
    const left = Math.round(font * 3.2), right = 12, top = 8, bottom = Math.round(font * 2.6);
    const plotW = width - left - right, plotH = height - top - bottom;
    const xMax = Math.max(1e-9, model.get("x_max"));
    const [yMin, yMax] = model.get("y_range");
    const X = (x) => left + (plotW * x) / xMax;
    const Y = (y) => top + plotH * (1 - (y - yMin) / (yMax - yMin));
    frame = { left, plotW, xMax, X, Y };

    const band = model.get("band");
    if (band && band.length === 3) {
      const [b0, b1, label] = band;
      ctx.fillStyle = "rgba(228, 103, 27, 0.08)";
      ctx.fillRect(X(b0), top, Math.max(0, X(Math.min(b1, xMax)) - X(b0)), plotH);
      ctx.fillStyle = "#a0522d";
      ctx.textAlign = "left";
      ctx.fillText(label, X(b0) + 4, top + font);
    }

    // grid and axes
    ctx.strokeStyle = "#e6e8eb";
    ctx.lineWidth = 1;
    ctx.fillStyle = "#555";
    const yStep = niceStep(yMax - yMin, 5);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = yMin; v <= yMax + 1e-9; v += yStep) {
      ctx.beginPath();
      ctx.moveTo(left, Y(v));
      ctx.lineTo(left + plotW, Y(v));
      ctx.stroke();
      ctx.fillText(Number(v.toFixed(2)).toString(), left - 6, Y(v));
    }
    const xStep = niceStep(xMax, Math.max(2, Math.floor(plotW / (font * 5))));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = 0; v <= xMax + 1e-9; v += xStep) {
      ctx.beginPath();
      ctx.moveTo(X(v), top);
      ctx.lineTo(X(v), top + plotH);
      ctx.stroke();
      ctx.fillText(Number(v.toFixed(1)).toString(), X(v), top + plotH + 4);
    }
    ctx.fillText(model.get("x_label"), left + plotW / 2, top + plotH + font + 8);
    ctx.save();
    ctx.translate(font * 0.9, top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(model.get("y_label"), 0, 0);
    ctx.restore();

    ctx.lineJoin = "round";
    const line = (series, width, alpha) => {
      const xs = series.x, ys = series.y;
      if (!xs || xs.length < 1) return;
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = series.colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      let started = false;
      for (let k = 0; k < xs.length; k++) {
        const y = ys[k];
        if (y === null || Number.isNaN(y)) { started = false; continue; }
        if (!started) { ctx.moveTo(X(xs[k]), Y(y)); started = true; } else ctx.lineTo(X(xs[k]), Y(y));
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    };
    for (const series of model.get("earlier")) line(series, 1.5, 0.3);
    const current = model.get("current");
    const lineWidth = model.get("line_width");
    for (const series of current) line(series, lineWidth, 1);

    if (hoverX !== null) {
      ctx.strokeStyle = "rgba(0,0,0,0.35)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(X(hoverX), top);
      ctx.lineTo(X(hoverX), top + plotH);
      ctx.stroke();
    }
    canvas.dataset.earlier = String(model.get("earlier").length);
    canvas.dataset.points = String(current.reduce((n, s) => n + (s.x ? s.x.length : 0), 0));
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  function hover(event) {
    if (!frame) return;
    const rect = canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const x = ((mx - frame.left) / frame.plotW) * frame.xMax;
    const current = model.get("current");
    if (x < 0 || x > frame.xMax || !current.length || !current[0].x.length) {
      tip.style.display = "none";
      hoverX = null;
      schedule();
      return;
    }
    const xs = current[0].x;
    let k = 0;
    while (k < xs.length - 1 && xs[k + 1] <= x) k++;
    hoverX = xs[k];
    const lines = current.map((s) => `${s.name}: ${Number(s.y[k]).toFixed(2)}`);
    tip.innerHTML = "";
    const headLine = document.createElement("div");
    headLine.textContent = `year ${Number(xs[k]).toFixed(1)}`;
    tip.append(headLine);
    for (const text of lines) {
      const row = document.createElement("div");
      row.textContent = text;
      tip.append(row);
    }
    tip.style.display = "block";
    tip.style.left = `${Math.min(mx + 12, rect.width - 160)}px`;
    tip.style.top = `${head.offsetHeight + 10}px`;
    schedule();
  }

  header();
  schedule();
  for (const name of ["current", "earlier", "title", "font_size"]) model.on(`change:${name}`, () => { header(); schedule(); });
  for (const name of ["height", "x_max", "y_range", "band", "line_width", "x_label", "y_label"]) model.on(`change:${name}`, schedule);
  canvas.addEventListener("mousemove", hover);
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; hoverX = null; schedule(); });
  const observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
