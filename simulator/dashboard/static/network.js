// The network picture of the clsim dashboard: agents and ties drawn on a <canvas>.
//
// The server sends positions, ties and styling once per run and, each month, only
// three small binary buffers (node colours, node sizes, tie states), so a step costs
// a few kilobytes and one canvas redraw (a few milliseconds for thousands of agents).

const SYMBOL_CIRCLE = 0;
const SYMBOL_TRIANGLE = 1;
const SYMBOL_DIAMOND = 2;
const SYMBOL_SQUARE = 3;

function bytes(value) {
  if (!value) return new Uint8Array(0);
  if (value instanceof DataView) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
}

function typed(value, Type) {
  const raw = bytes(value);
  // copy, so the view is aligned whatever the buffer's offset
  const copy = raw.slice();
  return new Type(copy.buffer, 0, Math.floor(copy.byteLength / Type.BYTES_PER_ELEMENT));
}

function render({ model, el }) {
  const { root, head, title, legend, png, canvas, tip } = chartFrame(model, el, {
    className: "clsim-netcanvas", filename: "network.png", legend: true, tooltip: true, positioned: true,
    ellipsis: false, wrap: true,
  });

  let data = {};
  let transform = { scale: 1, ox: 0, oy: 0 };
  let pending = false;
  let observer = null;
  let observedBox = null;
  function watchBox() {
    const b = el.closest(".clsim-fig");
    if (observer && b && b !== observedBox) { observer.observe(b); observedBox = b; }
  }

  function load() {
    data.xy = typed(model.get("xy"), Float32Array);
    data.symbols = bytes(model.get("symbols")).slice();
    data.roles = bytes(model.get("roles")).slice();
    data.schools = typed(model.get("schools"), Int32Array);
    data.edges = typed(model.get("edges"), Uint32Array);
  }
  function loadStyle() {
    data.colors = bytes(model.get("colors")).slice();
    data.sizes = typed(model.get("sizes"), Float32Array);
    data.edgeState = bytes(model.get("edge_state")).slice();
  }

  function header() {
    const font = model.get("font_size");
    title.textContent = model.get("title");
    title.style.fontSize = `${Math.round(font * 1.2)}px`;
    legend.style.fontSize = `${Math.round(font * 0.85)}px`;
    png.style.fontSize = `${Math.max(11, Math.round(font * 0.7))}px`;
    legend.innerHTML = "";
    for (const [label, colour, symbol] of model.get("legend")) {
      const item = document.createElement("span");
      item.style.marginLeft = "12px";
      item.style.whiteSpace = "nowrap";
      const mark = document.createElement("span");
      mark.style.display = "inline-block";
      mark.style.width = mark.style.height = `${Math.round(font * 0.8)}px`;
      mark.style.background = colour;
      mark.style.marginRight = "4px";
      mark.style.verticalAlign = "middle";
      mark.style.border = "1px solid rgba(0,0,0,0.35)";
      if (symbol === "circle") mark.style.borderRadius = "50%";
      if (symbol === "diamond") mark.style.transform = "rotate(45deg) scale(0.8)";
      item.append(mark, document.createTextNode(label));
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
    watchBox();
    const width = Math.max(50, root.clientWidth);
    let height = model.get("height");
    if (!height) {
      const b = el.closest(".clsim-fig");
      height = Math.max(80, (b ? b.clientHeight : 400) - head.offsetHeight - 4);
    }
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
    const [x0, x1, y0, y1] = model.get("bounds");
    const pad = 8;
    // district labels sit above the top row of clusters: keep a line of text free there
    const padTop = model.get("labels").length ? Math.round(model.get("font_size") * 1.1) + pad : pad;
    const scale = Math.min((width - 2 * pad) / Math.max(1e-9, x1 - x0), (height - pad - padTop) / Math.max(1e-9, y1 - y0));
    const ox = (width - scale * (x1 - x0)) / 2 - scale * x0;
    const oy = padTop + (height - padTop - pad - scale * (y1 - y0)) / 2 + scale * y1;
    transform = { scale, ox, oy };
    const X = (x) => ox + scale * x;
    const Y = (y) => oy - scale * y;

    // clusters as faint discs, districts labelled
    ctx.lineWidth = 1;
    for (const [cx, cy, r] of model.get("groups")) {
      ctx.beginPath();
      ctx.arc(X(cx), Y(cy), scale * r, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(31, 95, 168, 0.045)";
      ctx.fill();
      ctx.strokeStyle = "rgba(31, 95, 168, 0.22)";
      ctx.stroke();
    }
    const font = model.get("font_size");
    ctx.font = `${font}px Roboto, Helvetica, Arial, sans-serif`;
    ctx.fillStyle = "#555";
    ctx.textAlign = "center";
    for (const [lx, ly, text] of model.get("labels")) ctx.fillText(text, X(lx), Y(ly));

    const xy = data.xy || new Float32Array(0);
    const edges = data.edges || new Uint32Array(0);
    const state = data.edgeState || new Uint8Array(0);
    // ties: plain ones first, then ties between two engaged people on top
    for (const [which, colour, lineWidth] of [
      [1, "rgba(110, 120, 135, 0.13)", 0.5],
      [2, "rgba(228, 103, 27, 0.22)", 0.8],
    ]) {
      ctx.beginPath();
      for (let k = 0; k < state.length; k++) {
        if (state[k] !== which) continue;
        const i = edges[2 * k], j = edges[2 * k + 1];
        ctx.moveTo(X(xy[2 * i]), Y(xy[2 * i + 1]));
        ctx.lineTo(X(xy[2 * j]), Y(xy[2 * j + 1]));
      }
      ctx.strokeStyle = colour;
      ctx.lineWidth = lineWidth;
      ctx.stroke();
    }

    const colors = data.colors || new Uint8Array(0);
    const sizes = data.sizes || new Float32Array(0);
    const symbols = data.symbols || new Uint8Array(0);
    const n = Math.min(sizes.length, xy.length / 2);
    for (let i = 0; i < n; i++) {
      if (sizes[i] <= 0) continue;
      const s = Math.max(1.2, sizes[i] * scale);
      const x = X(xy[2 * i]), y = Y(xy[2 * i + 1]);
      ctx.fillStyle = `rgb(${colors[3 * i]},${colors[3 * i + 1]},${colors[3 * i + 2]})`;
      ctx.beginPath();
      switch (symbols[i]) {
        case SYMBOL_TRIANGLE:
          ctx.moveTo(x, y - s);
          ctx.lineTo(x + s * 0.95, y + s * 0.7);
          ctx.lineTo(x - s * 0.95, y + s * 0.7);
          ctx.closePath();
          break;
        case SYMBOL_DIAMOND:
          ctx.moveTo(x, y - s * 1.15);
          ctx.lineTo(x + s, y);
          ctx.lineTo(x, y + s * 1.15);
          ctx.lineTo(x - s, y);
          ctx.closePath();
          break;
        case SYMBOL_SQUARE:
          ctx.rect(x - s * 0.85, y - s * 0.85, s * 1.7, s * 1.7);
          break;
        default:
          ctx.arc(x, y, s, 0, 2 * Math.PI);
      }
      ctx.fill();
      if (symbols[i] === SYMBOL_DIAMOND || symbols[i] === SYMBOL_SQUARE) {
        ctx.strokeStyle = "rgba(40, 40, 40, 0.6)";
        ctx.lineWidth = 0.6;
        ctx.stroke();
      }
    }
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }

  function hover(event) {
    const xy = data.xy;
    const sizes = data.sizes;
    if (!xy || !sizes) return;
    const rect = canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left, my = event.clientY - rect.top;
    const { scale, ox, oy } = transform;
    let best = -1, bestD = 64;
    for (let i = 0; i < sizes.length; i++) {
      if (sizes[i] <= 0) continue;
      const dx = ox + scale * xy[2 * i] - mx, dy = oy - scale * xy[2 * i + 1] - my;
      const d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best < 0) { tip.style.display = "none"; return; }
    const names = model.get("role_names");
    const school = data.schools[best];
    const engaged = data.colors[3 * best] > data.colors[3 * best + 2];
    tip.textContent = `${names[data.roles[best]] || "agent"}${school >= 0 ? `, school ${school + 1}` : ""}` +
      (engaged ? " (engaged)" : "");
    tip.style.display = "block";
    tip.style.left = `${mx + 12}px`;
    tip.style.top = `${my + head.offsetHeight + 8}px`;
  }

  load();
  loadStyle();
  header();
  schedule();
  for (const name of ["xy", "edges", "symbols", "roles", "schools"]) model.on(`change:${name}`, () => { load(); schedule(); });
  for (const name of ["colors", "sizes", "edge_state"]) model.on(`change:${name}`, () => { loadStyle(); schedule(); });
  for (const name of ["title", "legend", "font_size"]) model.on(`change:${name}`, () => { header(); schedule(); });
  for (const name of ["height", "bounds", "groups", "labels"]) model.on(`change:${name}`, schedule);
  canvas.addEventListener("mousemove", hover);
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  observer = new ResizeObserver(schedule);
  observer.observe(root);
  return () => observer.disconnect();
}

export default { render };
