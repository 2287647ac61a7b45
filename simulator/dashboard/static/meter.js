// The critical-mass meter of the clsim dashboard, drawn on a <canvas>.
//
// The arc is P(transformed) for the run on screen: the share of model futures, run on
// from its current state, that end transformed (server: simulator.studies.forecast).
// Its bands are labelled, 1 in 2 is marked. Below it, the run's position against the
// critical mass: the cohort axis with the estimated critical mass and its interval (a
// precomputed tipping study, or the room's experiment) and a mark for this run.

function pct(p) {
  return `${Math.round(100 * p)}%`;
}

function render({ model, el }) {
  const { root, head, title, png, canvas } = chartFrame(model, el, {
    className: "clsim-meter", filename: "meter.png", gap: false, ellipsis: false, nowrap: true,
  });
  let pending = false;
  let observer = null;
  let observedBox = null;

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function fitText(ctx, text, maxWidth, size, weight = "") {
    let s = size;
    ctx.font = `${weight} ${s}px Roboto, Helvetica, Arial, sans-serif`;
    while (s > 9 && ctx.measureText(text).width > maxWidth) {
      s -= 1;
      ctx.font = `${weight} ${s}px Roboto, Helvetica, Arial, sans-serif`;
    }
    return s;
  }

  function draw() {
    const b = el.closest(".clsim-fig");
    if (observer && b && b !== observedBox) { observer.observe(b); observedBox = b; }
    const font = model.get("font_size");
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.2)}px`;
    png.style.fontSize = `${Math.max(11, Math.round(font * 0.7))}px`;
    const width = Math.max(120, root.clientWidth);
    let height = model.get("height");
    if (!height) height = Math.max(140, (b ? b.clientHeight : 300) - head.offsetHeight - 4);
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
    const small = Math.round(font * 0.85);
    const line = small * 1.35;
    const strip = model.get("strip") || {};
    const hasStrip = strip.max > 0;
    // everything under the arc: caption, settings line, then the strip (or a status line)
    const below = small * 1.35 + line + line * 0.9 + (hasStrip ? small * 3.5 : small * 1.3);
    ctx.font = `${small}px Roboto, Helvetica, Arial, sans-serif`;
    const bands = model.get("bands");
    let labelW = 0;
    for (const band of bands) labelW = Math.max(labelW, ctx.measureText(band[3] || "").width);
    const radius = Math.max(24, Math.min(width / 2 - labelW - 14, height - small * 1.5 - below));
    const cx = width / 2;
    const cy = small * 1.4 + radius;
    const thickness = radius * 0.26;
    const angle = (v) => Math.PI + Math.PI * Math.max(0, Math.min(1, v));
    const arc = (from, to, colour, inset = 0) => {
      ctx.beginPath();
      ctx.arc(cx, cy, radius - inset, angle(from), angle(to));
      ctx.arc(cx, cy, radius - thickness + inset, angle(to), angle(from), true);
      ctx.closePath();
      ctx.fillStyle = colour;
      ctx.fill();
    };
    // labelled bands
    for (const [from, to, colour, label] of bands) {
      arc(from, to, colour);
      if (!label) continue;
      const mid = angle((from + to) / 2);
      const lx = cx + Math.cos(mid) * (radius + 8), ly = cy + Math.sin(mid) * (radius + 8);
      ctx.fillStyle = "#555";
      ctx.font = `${small}px Roboto, Helvetica, Arial, sans-serif`;
      ctx.textBaseline = "middle";
      ctx.textAlign = Math.cos(mid) < -0.3 ? "right" : Math.cos(mid) > 0.3 ? "left" : "center";
      ctx.fillText(label, lx, Math.min(ly, cy - small * 0.6) - (Math.abs(Math.cos(mid)) <= 0.3 ? small * 0.3 : 0));
    }
    const p = model.get("p");
    const known = typeof p === "number" && Number.isFinite(p) && p >= 0;
    if (known) arc(0, p, model.get("colour"), thickness * 0.18);
    // the 1-in-2 mark
    const t = angle(model.get("threshold"));
    ctx.strokeStyle = "#222";
    ctx.lineWidth = Math.max(2, font / 7);
    ctx.beginPath();
    ctx.moveTo(cx + Math.cos(t) * (radius + 3), cy + Math.sin(t) * (radius + 3));
    ctx.lineTo(cx + Math.cos(t) * (radius - thickness - 3), cy + Math.sin(t) * (radius - thickness - 3));
    ctx.stroke();
    // value inside the arc, sized so that it never touches it
    const inner = radius - thickness;
    const text = known ? pct(p) : "—";
    ctx.fillStyle = "#222";
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    fitText(ctx, text, inner * 1.2, Math.round(Math.min(font * 2.6, inner * 0.62)), "600");
    ctx.fillText(text, cx, cy - inner * 0.08);
    // caption lines
    let y = cy + small * 1.35;
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#333";
    const caption = model.get("caption") + (model.get("pending") && known ? " (updating…)" : "");
    fitText(ctx, caption, width - 8, small);
    ctx.fillText(caption, cx, y);
    y += line;
    const settings = model.get("settings_text");
    ctx.fillStyle = "#555";
    fitText(ctx, settings, width - 8, small);
    ctx.fillText(settings, cx, y);
    y += line * 0.9;
    if (hasStrip) {
      const x0 = Math.max(12, width * 0.06), x1 = width - Math.max(12, width * 0.06);
      const X = (v) => x0 + ((x1 - x0) * Math.max(0, Math.min(strip.max, v))) / strip.max;
      const sy = y + small * 1.2;
      ctx.strokeStyle = "#9aa3ad";
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x0, sy); ctx.lineTo(x1, sy); ctx.stroke();
      if (Number.isFinite(strip.lo) && Number.isFinite(strip.hi)) {
        ctx.fillStyle = "rgba(228, 103, 27, 0.28)";
        ctx.fillRect(X(strip.lo), sy - small * 0.45, Math.max(2, X(strip.hi) - X(strip.lo)), small * 0.9);
      }
      ctx.fillStyle = "#666";
      ctx.font = `${Math.round(small * 0.8)}px Roboto, Helvetica, Arial, sans-serif`;
      ctx.textAlign = "left"; ctx.fillText("0", x0, sy + small * 0.95);
      ctx.textAlign = "right"; ctx.fillText(`${strip.max}/yr`, x1, sy + small * 0.95);
      if (Number.isFinite(strip.cm)) {
        ctx.strokeStyle = "#b34700";
        ctx.lineWidth = 3;
        ctx.beginPath(); ctx.moveTo(X(strip.cm), sy - small * 0.6); ctx.lineTo(X(strip.cm), sy + small * 0.6); ctx.stroke();
        ctx.fillStyle = "#b34700";
        ctx.textAlign = X(strip.cm) < width * 0.25 ? "left" : X(strip.cm) > width * 0.75 ? "right" : "center";
        const s = fitText(ctx, strip.cm_text, width * 0.6, Math.round(small * 0.85));
        ctx.fillText(strip.cm_text, X(strip.cm), sy - small * 0.6 - s * 0.6);
      }
      if (Number.isFinite(strip.value)) {
        const vx = X(strip.value);
        ctx.fillStyle = "#1f2d3d";
        ctx.beginPath();
        ctx.moveTo(vx, sy + small * 0.1);
        ctx.lineTo(vx + small * 0.45, sy + small * 0.75);
        ctx.lineTo(vx - small * 0.45, sy + small * 0.75);
        ctx.closePath();
        ctx.fill();
        ctx.textAlign = vx < width * 0.25 ? "left" : vx > width * 0.75 ? "right" : "center";
        const s = fitText(ctx, strip.value_text, width * 0.7, Math.round(small * 0.85), "600");
        ctx.fillText(strip.value_text, vx, sy + small * 0.8 + s * 0.75);
      }
    } else {
      ctx.fillStyle = "#8a5a00";
      ctx.textAlign = "center";
      const status = model.get("status");
      fitText(ctx, status, width - 8, Math.round(small * 0.85));
      ctx.fillText(status, cx, y + small * 0.6);
    }
    canvas.dataset.value = known ? p.toFixed(4) : "nan";
    canvas.dataset.month = String(model.get("reading_month"));
    canvas.dataset.settings = String(model.get("settings_p"));
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  schedule();
  for (const name of ["p", "reading_month", "pending", "caption", "settings_p", "settings_text", "strip", "status", "title", "height", "font_size", "bands", "colour", "threshold"]) model.on(`change:${name}`, schedule);
  observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
