// The critical-mass meter of the clsim dashboard: a half-circle gauge on a <canvas>.

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "clsim-gauge";
  root.style.width = "100%";
  const title = document.createElement("div");
  title.className = "clsim-chart-title";
  const canvas = document.createElement("canvas");
  canvas.style.display = "block";
  canvas.style.width = "100%";
  const caption = document.createElement("div");
  caption.className = "clsim-gauge-caption";
  caption.style.textAlign = "center";
  caption.style.color = "#555";
  root.append(title, canvas, caption);
  el.appendChild(root);
  let pending = false;

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function draw() {
    const font = model.get("font_size");
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.25)}px`;
    caption.textContent = model.get("caption");
    caption.style.fontSize = `${font}px`;
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
    const cx = width / 2;
    // room for the tick labels above and beside the arc, and the change line below it
    const radius = Math.max(10, Math.min(width / 2 - font * 2, height - font * 3.4));
    const cy = radius + font * 1.3;
    const thickness = radius * 0.28;
    const angle = (v) => Math.PI + Math.PI * Math.max(0, Math.min(1, v));
    const arc = (from, to, colour, inset = 0) => {
      ctx.beginPath();
      ctx.arc(cx, cy, radius - inset, angle(from), angle(to));
      ctx.arc(cx, cy, radius - thickness + inset, angle(to), angle(from), true);
      ctx.closePath();
      ctx.fillStyle = colour;
      ctx.fill();
    };
    for (const [from, to, colour] of model.get("bands")) arc(from, to, colour);
    const value = model.get("value");
    arc(0, value, model.get("colour"), thickness * 0.2);
    // tick labels
    ctx.fillStyle = "#666";
    ctx.font = `${Math.round(font * 0.85)}px Roboto, Helvetica, Arial, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const a = angle(t);
      ctx.fillText(String(t), cx + Math.cos(a) * (radius + font * 0.1 + 8), cy + Math.sin(a) * (radius + 8) + (t === 0 || t === 1 ? font * 0.7 : 0));
    }
    ctx.fillStyle = "#222";
    ctx.font = `600 ${Math.round(font * 2.4)}px Roboto, Helvetica, Arial, sans-serif`;
    ctx.textBaseline = "alphabetic";
    ctx.fillText(value.toFixed(2), cx, cy - font * 0.2);
    const delta = value - model.get("reference");
    ctx.font = `${font}px Roboto, Helvetica, Arial, sans-serif`;
    ctx.fillStyle = delta > 0.005 ? "#2a7d46" : delta < -0.005 ? "#b3261e" : "#666";
    const arrow = delta > 0.005 ? "▲" : delta < -0.005 ? "▼" : "●";
    ctx.fillText(`${arrow} ${delta >= 0 ? "+" : ""}${delta.toFixed(2)} in 12 months`, cx, cy + font * 1.3);
    canvas.dataset.value = value.toFixed(4);
  }

  schedule();
  for (const name of ["value", "reference", "title", "caption", "height", "font_size", "bands", "colour"]) model.on(`change:${name}`, schedule);
  const observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
