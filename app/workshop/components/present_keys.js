// Presentation mode's keys. Arrows (and a clicker's Page Up/Down) move the selected requirement: sent once as an
// event. 1-4 press the selected requirement's own status button, so a key writes exactly as a click does (the
// status buttons carry the revision the page showed; the server names the person). Keys typed into a box are theirs.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const doc = parentElement.ownerDocument;
  let k = parentElement.__keys;
  if (!k) {
    // the first screen opens at its top (title, level, what blocks); later selections scroll into view
    k = { seq: 0, offset: 0, data, attached: false, shownFocus: data.focus };
    parentElement.__keys = k;
    const active = doc.activeElement;  // the sidebar's page choice keeps the keys from the page: let go of it
    if (active && active.closest && active.closest("[data-testid=stSidebar]")) active.blur();
    const radios = () => {
      const card = doc.querySelector("[class*='st-key-pcard-on-']");  // the card shown selected
      if (!card) return [];
      const found = [];
      for (const el of card.querySelectorAll("*")) {
        if (el.shadowRoot) found.push(...el.shadowRoot.querySelectorAll("button[role=radio]"));
      }
      return found;
    };
    k.onKey = (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.composedPath()[0];
      const tag = target && target.tagName ? target.tagName.toLowerCase() : "";
      if (["input", "textarea", "select"].includes(tag) || (target && target.isContentEditable)) return;
      let step = 0;
      if (["ArrowRight", "ArrowDown", "PageDown"].includes(event.key)) step = 1;
      else if (["ArrowLeft", "ArrowUp", "PageUp"].includes(event.key)) step = -1;
      if (step) {  // counted from the requirement the page shows selected: quick presses add up
        event.preventDefault();
        k.seq += 1;
        k.offset += step;
        setTriggerValue("move", { step: k.offset, seq: k.seq, from: k.data.focus });
        return;
      }
      const n = "1234".indexOf(event.key);
      if (n < 0) return;
      const button = radios()[n];
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    };
  }
  if (!k.data || k.data.focus !== data.focus) k.offset = 0;
  k.data = data;
  if (!k.attached) {
    doc.addEventListener("keydown", k.onKey);
    k.attached = true;
    doc.documentElement.dataset.presentKeys = "on";  // the keys are listened to from now on
  }
  if (k.shownFocus !== data.focus) {  // a newly selected requirement comes into view (on a small screen too)
    k.shownFocus = data.focus;
    const card = doc.querySelector("." + data.card_class);
    if (card) card.scrollIntoView({ block: "nearest" });
  }
  // called when the component leaves the page, but also for a draw overtaken by a newer one before it ran: only a
  // component gone from the page lets go of the keys
  return () => setTimeout(() => {
    if (parentElement.isConnected) return;
    doc.removeEventListener("keydown", k.onKey);
    k.attached = false;
    delete doc.documentElement.dataset.presentKeys;
  }, 0);
}
