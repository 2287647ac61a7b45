// The room's experiment on a <canvas>: one dot per run (its final learning against the
// cohort size), the fitted S-curve of the outcome, the "transformed" cut, and the
// critical mass with its interval, redrawn as runs arrive (server: simulator.studies.room).

function render({ model, el }) {
  const { root, head, title, png, canvas } = chartFrame(model, el, { className: "clsim-curvechart", filename: "room-experiment.png" });
  let pending = false;
  let observer = null;
  let observedBox = null;

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }

  function draw() {
    const b = el.closest(".clsim-fig");
    if (observer && b && b !== observedBox) { observer.observe(b); observedBox = b; }
    const font = model.get("font_size");
    const small = Math.round(font * 0.85);
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.2)}px`;
    png.style.fontSize = `${Math.max(11, Math.round(font * 0.7))}px`;
    const width = Math.max(120, root.clientWidth);
    let height = model.get("height");
    if (!height) height = Math.max(120, (b ? b.clientHeight : 300) - head.offsetHeight - 4);
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
    ctx.font = `${small}px Roboto, Helvetica, Arial, sans-serif`;
    const left = Math.round(font * 3.0), right = 14, top = Math.round(small * 3.0), bottom = Math.round(font * 2.5);
    const plotW = Math.max(20, width - left - right), plotH = Math.max(20, height - top - bottom);
    const xMax = Math.max(1e-9, model.get("x_max"));
    const [yMin, yMax] = model.get("y_range");
    const X = (x) => left + (plotW * x) / xMax;
    const Y = (y) => top + plotH * (1 - (y - yMin) / (yMax - yMin));
    const crit = model.get("critical") || {};
    if (Number.isFinite(crit.lo) && Number.isFinite(crit.hi)) {
      ctx.fillStyle = "rgba(228, 103, 27, 0.14)";
      ctx.fillRect(X(Math.max(0, crit.lo)), top, Math.max(2, X(Math.min(xMax, crit.hi)) - X(Math.max(0, crit.lo))), plotH);
    }
    ctx.strokeStyle = "#e6e8eb";
    ctx.lineWidth = 1;
    ctx.fillStyle = "#555";
    const yStep = niceStep(yMax - yMin, Math.max(2, Math.floor(plotH / (font * 2.2))));
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = yMin; v <= yMax + 1e-9; v += yStep) {
      ctx.beginPath(); ctx.moveTo(left, Y(v)); ctx.lineTo(left + plotW, Y(v)); ctx.stroke();
      ctx.fillText(Number(v.toFixed(2)).toString(), left - 6, Y(v));
    }
    const xStep = niceStep(xMax, Math.max(2, Math.floor(plotW / (font * 4))));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = 0; v <= xMax + 1e-9; v += xStep) {
      ctx.beginPath(); ctx.moveTo(X(v), top); ctx.lineTo(X(v), top + plotH); ctx.stroke();
      ctx.fillText(Number(v.toFixed(1)).toString(), X(v), top + plotH + 3);
    }
    ctx.fillText(model.get("x_label"), left + plotW / 2, top + plotH + small + 5);
    ctx.save();
    ctx.translate(small * 0.7, top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(model.get("y_label"), 0, 0);
    ctx.restore();
    const cut = model.get("cut");
    if (Number.isFinite(cut)) {
      ctx.strokeStyle = "#777";
      ctx.setLineDash([6, 5]);
      ctx.beginPath(); ctx.moveTo(left, Y(cut)); ctx.lineTo(left + plotW, Y(cut)); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#555";
      ctx.textAlign = "left";
      ctx.textBaseline = "bottom";
      ctx.fillText("transformed", left + 4, Y(cut) - 2);
    }
    const points = model.get("points");
    const dot = Math.max(3, font * 0.28);
    for (const [x, y, hit] of points) {
      ctx.beginPath();
      ctx.arc(X(x), Y(y), dot, 0, 2 * Math.PI);
      ctx.fillStyle = hit ? "rgba(228, 103, 27, 0.85)" : "rgba(96, 122, 158, 0.85)";
      ctx.fill();
    }
    const curve = model.get("curve") || {};
    if (curve.x && curve.x.length > 1) {
      ctx.strokeStyle = "#1f2d3d";
      ctx.lineWidth = model.get("line_width");
      ctx.beginPath();
      curve.x.forEach((x, k) => { const px = X(x), py = Y(curve.y[k]); if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
      ctx.stroke();
    }
    if (Number.isFinite(crit.cm) && crit.cm >= 0 && crit.cm <= xMax) {
      ctx.strokeStyle = "#b34700";
      ctx.lineWidth = 2.5;
      ctx.beginPath(); ctx.moveTo(X(crit.cm), top); ctx.lineTo(X(crit.cm), top + plotH); ctx.stroke();
      ctx.fillStyle = "#b34700";
      ctx.textBaseline = "bottom";
      ctx.textAlign = X(crit.cm) > width * 0.7 ? "right" : "left";
      ctx.fillText(crit.text || "", X(crit.cm) + (ctx.textAlign === "left" ? 5 : -5), top - 2);
    }
    ctx.fillStyle = "#444";
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText(model.get("status"), left + plotW, top - 2 - (Number.isFinite(crit.cm) ? small * 1.2 : 0));
    canvas.dataset.points = String(points.length);
    canvas.dataset.curve = String(curve.x ? curve.x.length : 0);
    canvas.dataset.critical = Number.isFinite(crit.cm) ? String(crit.cm) : "nan";
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  schedule();
  for (const name of ["points", "curve", "critical", "cut", "status", "title", "height", "font_size", "x_max", "y_range", "x_label", "y_label", "line_width"]) model.on(`change:${name}`, schedule);
  observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
