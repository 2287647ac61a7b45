// A download button: asks the server for the file's text and saves it in the browser.
//
// Click -> custom message {"request": "download"} -> the server answers with
// {"filename", "mime", "text"} -> a Blob is saved as a download.

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "clsim-download";
  button.title = model.get("hint");
  button.textContent = model.get("label");
  button.style.font = "inherit";
  button.style.fontSize = "0.85em";
  button.style.border = "1px solid #c8ccd2";
  button.style.borderRadius = "4px";
  button.style.background = "#fff";
  button.style.color = "#1f5fa8";
  button.style.padding = "2px 8px";
  button.style.cursor = "pointer";
  button.style.whiteSpace = "nowrap";
  el.appendChild(button);
  button.addEventListener("click", () => model.send({ request: "download" }));
  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg.text !== "string") return;
    const blob = new Blob([msg.text], { type: msg.mime || "text/plain" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = msg.filename || "download.txt";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  for (const name of ["label", "hint"]) model.on(`change:${name}`, () => {
    button.textContent = model.get("label");
    button.title = model.get("hint");
  });
}

export default { render };
