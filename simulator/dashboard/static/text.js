// A line of text (trusted HTML built on the server) that changes every month, such as the
// month readout and the headline numbers. A widget of its own, so a step updates one
// trait instead of re-rendering part of the page.

function render({ model, el }) {
  const root = document.createElement("div");
  function draw() {
    root.className = model.get("class_name");
    root.innerHTML = model.get("html");
  }
  draw();
  el.appendChild(root);
  model.on("change:html", draw);
  model.on("change:class_name", draw);
}

export default { render };
