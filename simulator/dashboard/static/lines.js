// Line chart of the clsim dashboard, drawn on a <canvas>.
//
// Runs are told apart by hue (one per run, chosen on the server) and series by dash
// (solid, dashed, dotted). Kept runs are sent once per change; the current run's few
// hundred points each month. Each run's first series ends in its short label. The
// chart fills the height of its `.clsim-fig` box unless `height` is set, and saves
// itself as PNG. After every draw, `data-lines` on the canvas lists what was drawn
// (label, colour, width, points), for tests and the CSV/PNG exports.

const DASHES = { solid: [], dashed: [10, 6], dotted: [2, 5] };

function render({ model, el }) {
  const { root, head, title, legend, png, canvas, tip } = chartFrame(model, el, {
    className: "clsim-linechart", filename: "chart.png", legend: true, tooltip: true, positioned: true,
  });

  let pending = false;
  let observer = null;
  let observedBox = null;
  function watchBox() {
    const b = el.closest(".clsim-fig");
    if (observer && b && b !== observedBox) { observer.observe(b); observedBox = b; }
  }
  let frame = null;
  let hoverX = null;
  let shownHeader = "";

  function box() {
    return el.closest(".clsim-fig");
  }

  function header() {
    const font = model.get("font_size");
    const key = JSON.stringify([font, model.get("title"), model.get("series")]);
    if (key === shownHeader) return;
    shownHeader = key;
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.2)}px`;
    legend.style.fontSize = `${Math.round(font * 0.85)}px`;
    png.style.fontSize = `${Math.max(11, Math.round(font * 0.7))}px`;
    legend.innerHTML = "";
    for (const series of model.get("series")) {
      const item = document.createElement("span");
      item.style.marginLeft = "12px";
      item.style.whiteSpace = "nowrap";
      const mark = document.createElement("canvas");
      const w = Math.round(font * 1.8), h = Math.round(font * 0.6);
      mark.width = w; mark.height = h;
      mark.style.verticalAlign = "middle";
      mark.style.marginRight = "4px";
      const c = mark.getContext("2d");
      c.strokeStyle = series.colour || "#444";
      c.lineWidth = 2.5;
      c.setLineDash(DASHES[series.dash] || []);
      c.beginPath(); c.moveTo(0, h / 2); c.lineTo(w, h / 2); c.stroke();
      item.append(mark, document.createTextNode(series.name));
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

  function size() {
    const width = Math.max(80, root.clientWidth);
    let height = model.get("height");
    if (!height) {
      const b = box();
      const avail = b ? b.clientHeight - head.offsetHeight - 4 : 240;
      height = Math.max(80, avail);
    }
    return [width, height];
  }

  function allRuns() {
    return [...model.get("kept"), ...model.get("current")];
  }

  function draw() {
    watchBox();
    const [width, height] = size();
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    const font = model.get("font_size");
    const small = Math.round(font * 0.85);
    ctx.font = `${small}px Roboto, Helvetica, Arial, sans-serif`;
    const runs = allRuns();
    const series = model.get("series");
    // room on the right for the line-end labels (at most a third of the width)
    let labelW = 0;
    ctx.font = `600 ${small}px Roboto, Helvetica, Arial, sans-serif`;
    for (const run of runs) labelW = Math.max(labelW, ctx.measureText(run.short || "").width);
    labelW = Math.min(labelW + 10, width / 3);
    ctx.font = `${small}px Roboto, Helvetica, Arial, sans-serif`;
    const left = Math.round(font * 3.0), right = Math.round(8 + labelW), top = 8, bottom = Math.round(font * 2.5);
    const plotW = Math.max(20, width - left - right), plotH = Math.max(20, height - top - bottom);
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
      ctx.textBaseline = "top";
      ctx.fillText(label, X(b0) + 4, top + 2);
    }

    ctx.strokeStyle = "#e6e8eb";
    ctx.lineWidth = 1;
    ctx.fillStyle = "#555";
    const yStep = niceStep(yMax - yMin, Math.max(2, Math.floor(plotH / (font * 2.2))));
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = yMin; v <= yMax + 1e-9; v += yStep) {
      ctx.beginPath();
      ctx.moveTo(left, Y(v));
      ctx.lineTo(left + plotW, Y(v));
      ctx.stroke();
      ctx.fillText(Number(v.toFixed(2)).toString(), left - 6, Y(v));
    }
    const xStep = niceStep(xMax, Math.max(2, Math.floor(plotW / (font * 4))));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = 0; v <= xMax + 1e-9; v += xStep) {
      ctx.beginPath();
      ctx.moveTo(X(v), top);
      ctx.lineTo(X(v), top + plotH);
      ctx.stroke();
      ctx.fillText(Number(v.toFixed(1)).toString(), X(v), top + plotH + 3);
    }
    ctx.fillText(model.get("x_label"), left + plotW / 2, top + plotH + small + 5);
    ctx.save();
    ctx.translate(small * 0.7, top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(model.get("y_label"), 0, 0);
    ctx.restore();

    const drawn = [];
    const ends = [];
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    const keptWidth = model.get("kept_width"), currentWidth = model.get("line_width");
    for (const run of runs) {
      const width = run.current ? currentWidth : keptWidth;
      run.lines.forEach((line, index) => {
        const style = series.find((s) => s.key === line.key) || { dash: "solid", name: line.key };
        const xs = line.x, ys = line.y;
        if (!xs || xs.length < 1) return;
        const colour = line.colour || style.colour || run.colour;
        ctx.strokeStyle = colour;
        ctx.globalAlpha = run.current ? 1 : 0.9;
        ctx.lineWidth = style.dash === "dotted" ? width * 0.9 : width;
        ctx.setLineDash((DASHES[style.dash] || []).map((d) => d * Math.max(1, width / 2.5)));
        ctx.beginPath();
        let started = false, lastX = null, lastY = null;
        for (let k = 0; k < xs.length; k++) {
          const y = ys[k];
          if (y === null || Number.isNaN(y)) { started = false; continue; }
          const px = X(xs[k]), py = Y(y);
          if (!started) { ctx.moveTo(px, py); started = true; } else ctx.lineTo(px, py);
          lastX = px; lastY = py;
        }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        drawn.push({ run: run.id, label: run.label, short: run.short, series: style.name, colour, width: ctx.lineWidth, dash: style.dash, points: xs.length, current: !!run.current });
        if (index === 0 && lastX !== null && run.short) ends.push({ x: lastX, y: lastY, text: run.short || "", colour: run.colour, current: !!run.current });
      });
    }
    // line-end labels, pushed apart so that none overlaps another
    ends.sort((a, b) => a.y - b.y);
    const gap = small * 1.15;
    for (let k = 1; k < ends.length; k++) if (ends[k].y - ends[k - 1].y < gap) ends[k].y = ends[k - 1].y + gap;
    const overflow = ends.length ? ends[ends.length - 1].y - (top + plotH) : 0;
    if (overflow > 0) for (const e of ends) e.y -= overflow;
    for (let k = ends.length - 2; k >= 0; k--) if (ends[k + 1].y - ends[k].y < gap) ends[k].y = ends[k + 1].y - gap;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (const e of ends) {
      ctx.font = `${e.current ? 700 : 600} ${small}px Roboto, Helvetica, Arial, sans-serif`;
      ctx.fillStyle = e.colour;
      // at the end of the run's line (right of the plot once the run is complete)
      ctx.fillText(e.text, Math.min(e.x + 6, left + plotW + 6), e.y, labelW);
    }

    if (hoverX !== null) {
      ctx.strokeStyle = "rgba(0,0,0,0.35)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(X(hoverX), top);
      ctx.lineTo(X(hoverX), top + plotH);
      ctx.stroke();
    }
    canvas.dataset.lines = JSON.stringify(drawn);
    canvas.dataset.earlier = String(model.get("kept").length);
    canvas.dataset.points = String(model.get("current").reduce((n, r) => n + r.lines.reduce((m, l) => m + l.x.length, 0), 0));
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  function hover(event) {
    if (!frame) return;
    const rect = canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const x = ((mx - frame.left) / frame.plotW) * frame.xMax;
    const current = model.get("current");
    const run = current.length ? current[0] : null;
    if (x < 0 || x > frame.xMax || !run || !run.lines.length || !run.lines[0].x.length) {
      tip.style.display = "none";
      hoverX = null;
      schedule();
      return;
    }
    const xs = run.lines[0].x;
    let k = 0;
    while (k < xs.length - 1 && xs[k + 1] <= x) k++;
    hoverX = xs[k];
    tip.innerHTML = "";
    const headLine = document.createElement("div");
    headLine.textContent = `year ${Number(xs[k]).toFixed(1)} (${run.label})`;
    tip.append(headLine);
    const series = model.get("series");
    for (const line of run.lines) {
      const style = series.find((s) => s.key === line.key);
      const row = document.createElement("div");
      row.textContent = `${style ? style.name : line.key}: ${Number(line.y[k]).toFixed(2)}`;
      tip.append(row);
    }
    tip.style.display = "block";
    tip.style.left = `${Math.max(0, Math.min(mx + 12, rect.width - 220))}px`;
    tip.style.top = `${head.offsetHeight + 10}px`;
    schedule();
  }

  header();
  schedule();
  for (const name of ["title", "font_size", "series"]) model.on(`change:${name}`, () => { header(); schedule(); });
  for (const name of ["current", "kept", "height", "x_max", "y_range", "band", "line_width", "kept_width", "x_label", "y_label"]) model.on(`change:${name}`, schedule);
  canvas.addEventListener("mousemove", hover);
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; hoverX = null; schedule(); });
  observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
