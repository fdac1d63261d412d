export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const RESEND = data.resend_ms;  // the server's setting
  let s = parentElement.__status;
  if (!s) {
    const group = document.createElement("div");
    group.className = "group";
    group.setAttribute("role", "radiogroup");
    const row = document.createElement("div");
    row.className = "row";
    const clear = document.createElement("button");
    clear.className = "clear";
    clear.type = "button";
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.setAttribute("role", "status");
    row.append(clear, mark);
    parentElement.append(group, row);
    s = {
      group, clear, mark, buttons: new Map(), mount: Math.random().toString(36).slice(2) + Date.now().toString(36),
      seq: 0, sent: null, next: null, resend: null, shown: data.value, rev: data.rev, hint: null, data,
    };
    parentElement.__status = s;
    for (const [value, label] of data.options) {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "radio");
      button.textContent = label;
      button.addEventListener("click", () => choose(value));
      group.appendChild(button);
      s.buttons.set(value, button);
    }
    clear.addEventListener("click", () => choose(""));
    const selected = () => (s.next !== null ? s.next : s.sent ? s.sent.text : s.shown);
    const choose = (value) => {
      if (s.data.disabled) return;
      if (value === selected()) {  // the chosen status again: kept, as is an empty one cleared again
        if (value) { s.hint = s.data.words.reclick; render(); }
        return;
      }
      s.hint = null;
      if (s.sent) { s.next = value; render(); return; }  // sent after the one waiting for the server
      send(value);
    };
    const send = (value, base = s.shown, rev = s.rev) => {
      s.seq += 1;
      const payload = { mount: s.mount, seq: s.seq, text: value, base, rev };
      s.sent = payload;
      let tries = 0;
      const again = () => {
        if (s.sent !== payload || s.dead) return;
        setTriggerValue("edit", payload);
        s.resend = setTimeout(again, RESEND * 2 ** Math.min(tries++, 1));  // 4 s, then every 8 s
      };
      again();
      render();
    };
    const render = () => {
      const d = s.data;
      const now = selected();
      for (const [value, button] of s.buttons) {
        button.setAttribute("aria-checked", value === now ? "true" : "false");
        button.disabled = !!d.disabled;
      }
      s.group.setAttribute("aria-label", d.label);
      s.clear.textContent = d.words.clear;
      s.clear.title = d.words.clear_help;
      s.clear.disabled = !!d.disabled || !now;
      let text = s.hint || "", kind = "hint";
      if (d.conflict && !s.sent) { text = d.words.conflict; kind = "conflict"; }
      else if (s.sent || s.next !== null) { text = d.words.saving; kind = "saving"; }
      s.mark.textContent = text;
      s.mark.className = "mark " + kind;
      s.group.dataset.saved = s.sent || s.next !== null ? "saving" : d.conflict ? "conflict" : "saved";
      s.group.dataset.clicks = String(s.seq + (s.next !== null ? 1 : 0));  // clicks sent or waiting to be
    };
    s.send = send;
    s.render = render;
  }
  s.data = data;
  // Streamlit calls this when the component leaves the page, but also for a draw overtaken by a newer one before
  // it ran (its data changed twice while its script loaded): only a component gone from the page stops sending (a
  // new one starts from the data it is given)
  const stop = () => setTimeout(() => {
    if (parentElement.isConnected) return;
    s.dead = true;
    clearTimeout(s.timer);
    clearTimeout(s.resend);
  }, 0);
  const acked = s.sent && data.ack && data.ack.mount === s.mount && data.ack.seq >= s.sent.seq;
  const refused = acked ? s.sent : null;
  if (acked) {
    clearTimeout(s.resend);
    s.sent = null;
  }
  if (!s.sent) {
    s.shown = acked && !data.conflict ? data.ack.text : data.value;
    s.rev = acked && !data.conflict ? data.ack.rev : data.rev;
    if (s.next !== null) {
      const value = s.next;
      s.next = null;
      // a click made while a refused one waited goes from the same page: the server refuses or merges it alike
      if (refused && data.conflict) s.send(value, refused.base, refused.rev);
      else if (value !== s.shown) s.send(value);
    }
  }
  s.render();
  return stop;
}
