export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const RESEND = data.resend_ms, DEBOUNCE = data.debounce_ms;  // the server's settings
  let s = parentElement.__autosave;
  if (!s) {
    const box = document.createElement("label");
    box.className = "box";
    const head = document.createElement("span");
    head.className = "head";
    const title = document.createElement("span");
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.setAttribute("role", "status");
    head.append(title, mark);
    const field = document.createElement(data.multiline ? "textarea" : "input");
    if (!data.multiline) field.type = "text";
    field.value = data.text;
    box.append(head, field);
    parentElement.appendChild(box);
    s = {
      field, title, mark, mount: Math.random().toString(36).slice(2) + Date.now().toString(36), seq: 0,
      sent: null, timer: null, resend: null, clean: data.text, base: data.text, rev: data.rev, reset: data.reset,
      data,
    };
    parentElement.__autosave = s;
    const send = () => {
      clearTimeout(s.timer);
      s.timer = null;
      if (s.sent || s.data.conflict || s.field.value === s.clean) { show(); return; }
      s.seq += 1;
      s.sent = { mount: s.mount, seq: s.seq, text: s.field.value, base: s.base, rev: s.rev };
      const payload = s.sent;
      let tries = 0;
      const again = () => {
        if (s.sent !== payload || s.dead) return;
        setTriggerValue("edit", payload);
        s.resend = setTimeout(again, RESEND * 2 ** Math.min(tries++, 1));  // 4 s, then every 8 s
      };
      again();
      show();
    };
    const show = () => {
      const d = s.data;
      let text = d.words.saved, kind = "saved";
      if (d.conflict) { text = d.words.conflict; kind = "conflict"; }
      else if (s.sent || s.field.value !== s.clean) { text = d.words.saving; kind = "saving"; }
      s.mark.textContent = text;
      s.mark.className = "mark " + kind;
      s.field.dataset.saved = kind;
    };
    s.send = send;
    s.show = show;
    field.addEventListener("input", () => {
      clearTimeout(s.timer);
      s.timer = setTimeout(send, DEBOUNCE);
      show();
    });
    // someone else's newer text replaces the box's only while it holds nothing unsaved and is not being typed in
    // (not even just focused: the next keystroke would land in a text the person did not see)
    const focused = () => parentElement.activeElement === field || document.activeElement === field;
    s.catchUp = () => {
      const d = s.data;
      if (s.sent || s.field.value !== s.clean || d.text === s.base || focused()) return;
      s.field.value = d.text;
      s.clean = d.text;
      s.base = d.text;
      s.rev = d.rev;
    };
    field.addEventListener("blur", () => { send(); s.catchUp(); show(); });
    // leaving or hiding the page sends what is typed at once, rather than after the pause
    s.leaving = () => { if (!s.dead) send(); };
    window.addEventListener("pagehide", s.leaving);
    document.addEventListener("visibilitychange", s.leaving);
    if (!data.multiline) field.addEventListener("keydown", (e) => { if (e.key === "Enter") send(); });
  }
  const adopt = (text) => {
    s.field.value = text;
    s.clean = text;
    s.base = text;
    s.rev = data.rev;
  };
  s.data = data;
  // Streamlit calls this when the component leaves the page, but also for a draw overtaken by a newer one before
  // it ran (its data changed twice while its script loaded): only a component gone from the page stops sending (a
  // new one starts from the data it is given)
  const stop = () => setTimeout(() => {
    if (parentElement.isConnected) return;
    s.dead = true;
    clearTimeout(s.timer);
    clearTimeout(s.resend);
    window.removeEventListener("pagehide", s.leaving);
    document.removeEventListener("visibilitychange", s.leaving);
  }, 0);
  s.title.textContent = data.label;
  s.field.setAttribute("aria-label", data.label);
  s.field.placeholder = data.placeholder || "";
  s.field.disabled = !!data.disabled;
  const acked = s.sent && data.ack && data.ack.mount === s.mount && data.ack.seq >= s.sent.seq;
  if (data.reset !== s.reset) {
    s.reset = data.reset;
    clearTimeout(s.resend);
    s.sent = null;
    adopt(data.text);
  } else {
    if (acked) {
      clearTimeout(s.resend);
      if (!data.conflict) {  // saved (or already so): the box holds what the server has
        s.clean = s.sent.text;
        s.base = data.ack.text;
        s.rev = data.ack.rev;
      }
      s.sent = null;
    }
    s.catchUp();
  }
  if (!s.sent && !data.conflict && s.field.value !== s.clean && !s.timer) {
    s.timer = setTimeout(s.send, DEBOUNCE);
  }
  s.show();
  return stop;
}
