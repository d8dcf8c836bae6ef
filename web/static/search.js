// secunion console: streams the European Search Portal's answers into the
// search page.
//
// The search form posts to its data-stream address (the same fields and
// anti-forgery token as the plain form) with fetch(), since EventSource
// cannot POST, and reads the Server-Sent Events as they come: each "answer"
// event holds one system's answer, rendered as HTML by the server, and is
// added in arrival order; "done" holds the summary line. A refused or
// invalid search comes back as a page, whose message is shown. Without
// this script the form posts to /search, which answers with one page.
"use strict";

(() => {
  const form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.TextDecoderStream) {
    return;
  }
  const answers = document.getElementById("answers");
  const status = document.getElementById("search-status");
  const submit = document.getElementById("search-submit");
  const purpose = form.elements.purpose;
  const justification = form.elements.justification;

  // The justification is required for the purposes that need one.
  const requireJustification = () => {
    const option = purpose.options[purpose.selectedIndex];
    justification.required = Boolean(option) && option.dataset.justification === "required";
  };
  purpose.addEventListener("change", requireJustification);
  requireJustification();

  // showError shows message where the server shows its errors and marks
  // the form field it is about, if any.
  const showError = (message, field) => {
    let p = document.getElementById("error");
    if (!p) {
      p = document.createElement("p");
      p.id = "error";
      p.className = "error";
      p.setAttribute("role", "alert");
      document.querySelector("main").prepend(p);
    }
    p.textContent = message;
    const input = field ? form.elements.namedItem(field) : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  };

  // clear removes the message and answers of the previous search.
  const clear = () => {
    const p = document.getElementById("error");
    if (p) {
      p.remove();
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
    }
    answers.replaceChildren();
  };

  // dispatch handles one event, given as its lines ("event: answer",
  // "data: …"), and reports whether it was the last.
  const dispatch = (block) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) {
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) {
        value = value.slice(1);
      }
      if (field === "event") {
        event = value;
      } else if (field === "data") {
        data.push(value);
      }
    }
    const text = data.join("\n");
    if (event === "answer") {
      answers.insertAdjacentHTML("beforeend", text);
    } else if (event === "done") {
      status.textContent = text;
      return true;
    }
    return false;
  };

  // refusal shows the message of the page the server sent instead of a
  // stream.
  const refusal = async (response) => {
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const error = page.getElementById("error");
    const invalid = page.querySelector("#search-form [aria-invalid]");
    showError(error ? error.textContent : `The search failed (HTTP ${response.status}).`,
      invalid ? invalid.name : "");
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear();
    submit.disabled = true;
    status.textContent = "Searching…";
    let finished = false;
    try {
      const response = await fetch(form.dataset.stream, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "text/event-stream" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.startsWith("text/event-stream")) {
        status.textContent = "";
        await refusal(response);
        return;
      }
      // The server ends its lines with "\n" only.
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          finished = dispatch(buffer.slice(0, end)) || finished;
          buffer = buffer.slice(end + 2);
        }
      }
      if (!finished) {
        status.textContent = "";
        showError("The answers stopped before every system had answered: search again.");
      }
    } catch {
      status.textContent = "";
      showError("The connection to the server was lost: search again.");
    } finally {
      submit.disabled = false;
    }
  });
})();
