// The meeting page: controls that make the changes a variant can make, and the plans they give.
//
// The server holds the meeting (the changes, undo, the plans); this script sends one change at a
// time, in order, and draws the view the server answers with. Scenario text is only ever set as
// text (textContent, option labels, plotly's own escaped labels), never as markup.
(function () {
  "use strict";

  const token = document.querySelector('meta[name="laa-token"]').content;
  // timings: ms from each change's click to its result painted; answered: ms from the click to the
  // server's answer in hand; replans: the server's seconds planning it; complete: ms from the click
  // to every arrangement painted (later than timings when slow arrangements were left pending)
  const meeting = { timings: [], answered: [], replans: [], complete: [], rendered: 0, busy: false, errors: [] };
  window.laaMeeting = meeting; // read by the tests and the benchmark
  let controls = null;
  let view = null;
  let queue = Promise.resolve();
  const plotConfig = { displayModeBar: false, responsive: true };

  // --- small helpers ---

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([key, value]) => {
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "on") Object.entries(value).forEach(([ev, fn]) => node.addEventListener(ev, fn));
      else node[key] = value;
    });
    (children || []).forEach((child) => {
      if (child !== null && child !== undefined) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  const byId = (id) => document.getElementById(id);
  const gbp = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
  const money = (v) => (v === null || v === undefined ? "-" : (v < 0 ? "-£" : "£") + gbp.format(Math.abs(v)));
  const score = (v) => (v === null || v === undefined ? "-" : v.toFixed(3));
  const number = (v) => (v === null || v === undefined ? "-" : Number(v.toPrecision(4)).toLocaleString("en-GB"));
  // the server's planning time as a person reads it: plans already made take "under 0.01 s", never "0.00 s"
  const took = (seconds) => (seconds < 0.005 ? "under 0.01 s" : seconds.toFixed(2) + " s");

  function signed(v, format) {
    if (v === null || v === undefined || Number.isNaN(v)) return "";
    const shown = format(Math.abs(v));
    if (shown === format(0)) return "±0";
    return (v > 0 ? "+" : "-") + shown;
  }

  // the change from base to now; `sense` colours it: 1 more is better, -1 less is better, 0 neither
  function delta(now, base, format, noise, sense) {
    if (now === null || base === null || now === undefined || base === undefined) return null;
    const d = now - base;
    const text = signed(d, format);
    if (Math.abs(d) <= (noise || 0) || text === "±0") return el("span", { className: "delta same" }, ["no change"]);
    const good = (sense === undefined ? 1 : sense) * d;
    return el("span", { className: "delta " + (good > 0 ? "up" : good < 0 ? "down" : "moved") }, [text]);
  }

  // a card's line: the change in words, or that there is none
  function against(now, base, format, noise) {
    const d = delta(now, base, format, noise);
    if (d === null) return base === null ? "no plan at base" : "";
    if (d.classList.contains("same")) return el("span", { className: "delta same" }, ["as at the base"]);
    return el("span", {}, [d, " against the base"]);
  }

  // --- talking to the server ---

  async function api(method, path, body) {
    const init = { method, headers: { "X-LAA-Token": token }, cache: "no-store", credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const data = await response.json();
    if (!response.ok) throw data;
    return data;
  }

  let waiting = 0; // actions sent or queued, not yet drawn
  let clicked = null; // when the change now being planned was asked for
  let planning = 0; // the server's seconds planning it, over its answer and the catching up after

  function act(path, body, event) {
    const started = event && event.timeStamp ? event.timeStamp : performance.now();
    waiting += 1;
    queue = queue.then(() => send(path, body, started, true));
    return queue;
  }

  async function send(path, body, started, asked) {
    setBusy(true);
    let answered = false;
    try {
      const next = await api("POST", path, body);
      if (asked) {
        meeting.answered.push(performance.now() - started);
        clicked = started;
        planning = 0;
      }
      planning += next.seconds;
      answered = true;
      showProblems(null);
      await draw(next);
      await painted();
      if (asked) {
        meeting.timings.push(performance.now() - started);
        meeting.replans.push(next.seconds);
      }
      if (!next.pending.length && clicked !== null) {
        meeting.complete.push(performance.now() - clicked);
        clicked = null;
      }
    } catch (problem) {
      showProblems(problem);
      if (!answered && view && view.pending.length) view.pending = []; // planning stopped: say so, do not spin
      if (view) refreshControls(); // a refused change leaves its control where the meeting is
    } finally {
      if (asked) waiting -= 1;
      setBusy(false);
      // the slow arrangements, one at a time, while nobody has asked for anything newer
      if (answered && waiting === 0 && view && view.pending.length) {
        queue = queue.then(() => send("/api/session/catch-up", {}, performance.now(), false));
      }
    }
  }

  function painted() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }

  function setBusy(busy) {
    meeting.busy = busy || waiting > 0 || Boolean(view && view.pending.length);
    document.body.classList.toggle("busy", busy);
    if (busy) byId("status").textContent = "Planning…";
  }

  function showProblems(problem) {
    const box = byId("problems");
    box.replaceChildren();
    if (!problem) {
      box.hidden = true;
      return;
    }
    const items = (problem.problems && problem.problems.length ? problem.problems : [{ text: problem.error || String(problem) }]);
    meeting.errors.push(problem);
    box.append(
      el("strong", {}, ["That change could not be made: "]),
      el("span", {}, [problem.error || ""]),
      el("ul", {}, items.map((p) => el("li", {}, [p.text || p.message]))),
      el("button", { type: "button", className: "small", on: { click: () => showProblems(null) } }, ["Dismiss"])
    );
    box.hidden = false;
  }

  // --- the changes as the controls make them ---

  const changeOf = (slot) => (view ? view.changes.findIndex((c) => slot(c.change)) : -1);

  // set a value against the base: the base value itself removes the change that moved it
  function setting(slot, change, isBase, event) {
    const at = changeOf(slot);
    if (isBase) {
      if (at >= 0) act("/api/session/remove", { index: at }, event);
      return;
    }
    act("/api/session/change", { change }, event);
  }

  function stream() {
    return controls.streams.find((s) => s.id === byId("stream").value);
  }

  function rule() {
    return controls.rules.find((r) => r.id === byId("rule").value);
  }

  function outcome() {
    return controls.outcomes.find((o) => o.id === byId("outcome").value);
  }

  function currentShare(s) {
    const at = changeOf((c) => c.stream === s.id && "pooled_share" in c);
    return at >= 0 ? view.changes[at].change.pooled_share : s.max_pool_share;
  }

  function currentScale(s) {
    const at = changeOf((c) => c.stream === s.id && "scale" in c);
    return at >= 0 ? view.changes[at].change.scale : 1;
  }

  function targetOptions(select, ids) {
    select.replaceChildren(
      ...ids.map((item) => el("option", { value: item.id }, [item.label]))
    );
  }

  function outcomesAndBlocks() {
    return controls.blocks
      .map((b) => ({ id: b.id, label: "Block: " + b.name }))
      .concat(controls.outcomes.map((o) => ({ id: o.id, label: o.name })));
  }

  // --- building the controls once ---

  function field(label, input, extra) {
    return el("label", { className: "field" }, [el("span", { className: "label" }, [label]), input, extra || null]);
  }

  function buildControls() {
    const aside = byId("controls");
    aside.replaceChildren();

    const tabs = el("div", { className: "tabs", role: "tablist" });
    const panels = el("div", {});
    const panel = (name, id, body) => {
      const button = el("button", { type: "button", className: "tab", id: "tab-" + id,
        on: { click: () => choose(id) } }, [name]);
      tabs.append(button);
      panels.append(el("div", { className: "panel", id: "panel-" + id, hidden: true }, body));
    };
    const choose = (id) => {
      panels.querySelectorAll(".panel").forEach((p) => (p.hidden = p.id !== "panel-" + id));
      tabs.querySelectorAll(".tab").forEach((t) => t.classList.toggle("on", t.id === "tab-" + id));
    };

    // streams: pooling, amounts, eligibility, pins
    const streamSelect = el("select", { id: "stream", on: { change: refreshStream } },
      controls.streams.map((s) => el("option", { value: s.id }, [s.name + " (" + s.funder + ")"])));
    const pooled = el("input", { type: "checkbox", id: "stream-pooled", on: { change: (e) => {
      const s = stream();
      const share = e.target.checked ? s.max_pool_share : 0;
      setting((c) => c.stream === s.id && "pooled_share" in c, { stream: s.id, pooled_share: share },
        share === s.max_pool_share, e);
    } } });
    const share = el("input", { type: "range", id: "stream-share", min: "0", max: "1", step: "0.05",
      on: { input: (e) => (byId("stream-share-out").textContent = Math.round(e.target.value * 100) + "%"),
        change: (e) => {
          const s = stream();
          const v = Number(e.target.value);
          setting((c) => c.stream === s.id && "pooled_share" in c, { stream: s.id, pooled_share: v },
            v === s.max_pool_share, e);
        } } });
    const scale = el("input", { type: "range", id: "stream-scale", min: "0", max: "2", step: "0.05",
      on: { input: (e) => (byId("stream-scale-out").textContent = scaleText(Number(e.target.value))),
        change: (e) => {
          const s = stream();
          const v = Number(e.target.value);
          setting((c) => c.stream === s.id && "scale" in c, { stream: s.id, scale: v }, v === 1, e);
        } } });
    const grant = el("select", { id: "stream-grant" });
    const pinTo = el("select", { id: "pin-outcome" });
    const pinKind = el("select", { id: "pin-kind" }, [
      el("option", { value: "at_least" }, ["at least"]),
      el("option", { value: "at_most" }, ["at most"]),
      el("option", { value: "at" }, ["held at"]),
    ]);
    const pinAmount = el("input", { type: "number", id: "pin-amount", min: "0", step: "10000", value: "0" });
    panel("Streams", "streams", [
      field("Stream", streamSelect),
      el("p", { className: "info", id: "stream-info" }),
      el("label", { className: "check" }, [pooled, el("span", { id: "stream-pooled-label" }, ["Pooled into its pot"])]),
      field("Share paid in when pooled", share, el("output", { id: "stream-share-out" })),
      field("Amounts, every year", scale, el("output", { id: "stream-scale-out" })),
      el("div", { className: "row" }, [
        field("Let it pay for", grant),
        el("button", { type: "button", id: "grant", on: { click: (e) => {
          act("/api/session/change", { change: { stream: stream().id, grant: [grant.value] } }, e);
        } } }, ["Grant"]),
      ]),
      el("fieldset", {}, [
        el("legend", {}, ["Pin its spend over the period"]),
        field("On", pinTo),
        el("div", { className: "row" }, [pinKind, pinAmount,
          el("button", { type: "button", id: "pin", on: { click: (e) => {
            const pin = { stream: stream().id, outcomes: [pinTo.value] };
            pin[pinKind.value] = Number(pinAmount.value);
            act("/api/session/change", { change: { pin } }, e);
          } } }, ["Pin"])]),
      ]),
    ]);

    // rules: drop or relax
    const ruleSelect = el("select", { id: "rule", on: { change: refreshRule } },
      controls.rules.map((r) => el("option", { value: r.id }, [r.id])));
    const ruleValue = el("input", { type: "number", id: "rule-value", min: "0", step: "any" });
    panel("Rules", "rules", controls.rules.length ? [
      field("Rule", ruleSelect),
      el("p", { className: "info", id: "rule-info" }),
      el("div", { className: "row" }, [
        el("button", { type: "button", id: "drop-rule", on: { click: (e) => {
          act("/api/session/change", { change: { rule: rule().id, drop: true } }, e);
        } } }, ["Drop the rule"]),
      ]),
      el("div", { className: "row" }, [
        field("New value", ruleValue),
        el("button", { type: "button", id: "relax-rule", on: { click: (e) => {
          const r = rule();
          const v = Number(ruleValue.value);
          setting((c) => c.rule === r.id, { rule: r.id, value: v }, v === r.value, e);
        } } }, ["Set"]),
      ]),
    ] : [el("p", { className: "info" }, ["The scenario has no rules."])]);

    // outcomes: weight, targets, statutory minimum, floors and caps on spend
    const outcomeSelect = el("select", { id: "outcome", on: { change: refreshOutcome } },
      controls.outcomes.map((o) => el("option", { value: o.id }, [o.name])));
    const outcomeRows = [["weight", "Weight"], ["target", "Target"], ["stretch", "Stretch target"],
      ["min_spend", "Statutory minimum, £ a year"], ["spend_at_least", "Spend at least, £ over the period"],
      ["spend_at_most", "Spend at most, £ over the period"]].map(([key, label]) => {
      const input = el("input", { type: "number", id: "outcome-" + key, step: "any" });
      return el("div", { className: "row" }, [field(label, input),
        el("button", { type: "button", id: "set-" + key, on: { click: (e) => {
          const change = { outcome: outcome().id };
          change[key] = input.value === "" && key === "stretch" ? null : Number(input.value);
          act("/api/session/change", { change }, e);
        } } }, ["Set"])]);
    });
    panel("Outcomes", "outcomes", [field("Outcome", outcomeSelect), el("p", { className: "info", id: "outcome-info" }),
      ...outcomeRows]);

    aside.append(el("section", {}, [el("h2", {}, ["Make a change"]), tabs, panels]));
    choose("streams");

    // the list of changes, undo, and the file's variants
    const variants = el("select", { id: "variant" }, controls.variants.map((v) => el("option", { value: v.id }, [v.name])));
    aside.append(el("section", {}, [
      el("h2", {}, ["Changes"]),
      el("ol", { id: "changes", className: "changes" }),
      el("div", { className: "row" }, [
        el("button", { type: "button", id: "undo", on: { click: (e) => act("/api/session/undo", {}, e) } }, ["Undo"]),
        el("button", { type: "button", id: "clear", on: { click: (e) => act("/api/session/clear", {}, e) } }, ["Back to the base"]),
      ]),
      controls.variants.length ? el("div", { className: "row" }, [
        field("Start from the file's variant", variants),
        el("button", { type: "button", id: "start-variant", on: { click: (e) => {
          act("/api/session/start", { variant: variants.value }, e);
        } } }, ["Start"]),
      ]) : null,
    ]));

    // which arrangements are planned, and whose flows are drawn
    const boxes = controls.arrangements.map((a) => el("label", { className: "check" }, [
      el("input", { type: "checkbox", value: a, className: "arrangement", on: { change: (e) => show(e) } }), a]));
    const focus = el("select", { id: "focus", on: { change: (e) => show(e) } });
    aside.append(el("section", {}, [el("h2", {}, ["Arrangements"]), el("div", { className: "boxes" }, boxes),
      field("Outcomes and flows of", focus)]));

    // save as variant
    const vid = el("input", { type: "text", id: "variant-id", placeholder: "e.g. police-stays-put", maxLength: 200 });
    const vname = el("input", { type: "text", id: "variant-name", placeholder: "what the variant says" });
    const newFile = el("input", { type: "text", id: "variant-file", placeholder: "leave empty: into the scenario file" });
    aside.append(el("section", {}, [
      el("h2", {}, ["Save as variant"]),
      field("Id", vid), field("Name", vname), field("New file (optional)", newFile),
      el("div", { className: "row" }, [
        el("button", { type: "button", id: "save", on: { click: save } }, ["Save"]),
        el("output", { id: "saved" }),
      ]),
    ]));

    refreshStream();
    if (controls.rules.length) refreshRule();
    refreshOutcome();
  }

  function scaleText(v) {
    const s = stream();
    const first = s ? s.amounts[String(controls.years[0])] * v : null;
    const pct = Math.round((v - 1) * 100);
    return (pct === 0 ? "as in the file" : (pct > 0 ? "+" : "") + pct + "%") + (first === null ? "" : " (" + money(first) + " in " + controls.years[0] + ")");
  }

  function show(event) {
    const chosen = [...document.querySelectorAll("input.arrangement:checked")].map((b) => b.value);
    const focus = byId("focus").value || null;
    act("/api/session/show", { arrangements: chosen, focus: chosen.includes(focus) ? focus : null }, event);
  }

  async function save(event) {
    const out = byId("saved");
    out.textContent = "";
    const body = { id: byId("variant-id").value.trim(), name: byId("variant-name").value.trim(),
      new_file: byId("variant-file").value.trim() || null };
    try {
      const done = await api("POST", "/api/session/save", body);
      showProblems(null);
      out.textContent = "Saved " + done.variant + " in " + done.saved;
      controls.variants = done.variants;
      const start = byId("variant");
      if (start) start.replaceChildren(...done.variants.map((v) => el("option", { value: v.id }, [v.name])));
    } catch (problem) {
      showProblems(problem);
    }
    return event;
  }

  // --- keeping the controls in step with the meeting ---

  function refreshStream() {
    const s = stream();
    if (!s || !view) return;
    const inPot = s.pot !== null && s.max_pool_share > 0;
    byId("stream-info").textContent = (s.pot === null ? "In no pot." :
      s.max_pool_share > 0 ? "Member of " + s.pot_name + ", up to " + Math.round(s.max_pool_share * 100) + "% poolable." :
        "Member of " + s.pot_name + ", but may not be pooled.") +
      " Eligible for " + s.eligible.length + " outcome" + (s.eligible.length === 1 ? "" : "s") + ".";
    const share = currentShare(s);
    byId("stream-pooled").checked = inPot && share > 0;
    byId("stream-pooled").disabled = !inPot;
    byId("stream-share").max = String(s.max_pool_share || 1);
    byId("stream-share").value = String(share);
    byId("stream-share").disabled = !inPot;
    byId("stream-share-out").textContent = Math.round(share * 100) + "%";
    byId("stream-scale").value = String(currentScale(s));
    byId("stream-scale-out").textContent = scaleText(currentScale(s));
    const granted = new Set(s.eligible);
    view.changes.forEach((c) => (c.change.stream === s.id && c.change.grant ? c.change.grant : []).forEach((g) => granted.add(g)));
    targetOptions(byId("stream-grant"), outcomesAndBlocks().filter((o) => !granted.has(o.id)));
    targetOptions(byId("pin-outcome"), outcomesAndBlocks());
  }

  function refreshRule() {
    const r = rule();
    if (!r) return;
    const at = changeOf((c) => c.rule === r.id);
    const now = at >= 0 ? view.changes[at].change : null;
    const shown = now && now.value !== undefined ? now.value : r.value;
    byId("rule-info").textContent = r.kind + " " + ruleValue(r.kind, r.value) + " on " + r.streams.join(", ") +
      (r.survives_pooling ? "; survives pooling" : "") + (now && now.drop ? " (dropped in this meeting)" : "");
    byId("rule-value").value = String(shown);
    byId("rule-value").step = r.kind.endsWith("share") ? "0.01" : "any";
  }

  function ruleValue(kind, v) {
    if (kind.endsWith("share")) return Math.round(v * 1000) / 10 + "%";
    if (kind === "match") return v + " to 1";
    return money(v);
  }

  function refreshOutcome() {
    const o = outcome();
    if (!o) return;
    byId("outcome-info").textContent = "Baseline " + number(o.baseline) + " " + o.unit + ", target " + number(o.target) +
      (o.stretch === null ? "" : ", stretch " + number(o.stretch)) + "; " + o.direction + " is better.";
    // what the meeting has set, else the file's value
    const set = {};
    view.changes.forEach((c) => { if (c.change.outcome === o.id) Object.assign(set, c.change); });
    const shown = (key, fallback) => (key in set ? set[key] : fallback);
    const text = (v) => (v === null || v === undefined || typeof v === "object" ? "" : String(v));
    byId("outcome-weight").value = text(shown("weight", o.weight));
    byId("outcome-target").value = text(shown("target", o.target));
    byId("outcome-stretch").value = text(shown("stretch", o.stretch));
    byId("outcome-min_spend").value = text(shown("min_spend", o.min_spend));
    byId("outcome-spend_at_least").value = text(shown("spend_at_least", null));
    byId("outcome-spend_at_most").value = text(shown("spend_at_most", null));
  }

  // --- drawing the view ---

  async function draw(next) {
    view = next;
    drawChanges();
    drawCards();
    drawMoved();
    drawOutcomes();
    drawPartners();
    await drawCharts();
    refreshControls();
    const names = view.rows.map((r) => r.arrangement).filter((a) => !view.pending.includes(a)).join(", ");
    byId("status").textContent = "Planned " + names + " in " + took(planning) + " · " +
      view.changes.length + " change" + (view.changes.length === 1 ? "" : "s") + " from the base" +
      (view.pending.length ? " · planning " + view.pending.join(", ") + "…" : "");
    meeting.rendered += 1;
    document.body.dataset.rendered = String(meeting.rendered);
  }

  function refreshControls() {
    drawArrangements();
    refreshStream();
    if (controls.rules.length) refreshRule();
    refreshOutcome();
  }

  function drawChanges() {
    const list = byId("changes");
    list.replaceChildren(...view.changes.map((c, i) => el("li", { dataset: { index: String(i) } }, [
      el("span", {}, [c.text]),
      el("button", { type: "button", className: "small remove", title: "Take this change out",
        on: { click: (e) => act("/api/session/remove", { index: i }, e) } }, ["×"]),
    ])));
    if (!view.changes.length) list.append(el("li", { className: "none" }, ["None yet: this is the base scenario."]));
    byId("undo").disabled = !view.can_undo;
  }

  function drawArrangements() {
    document.querySelectorAll("input.arrangement").forEach((b) => (b.checked = view.arrangements.includes(b.value)));
    const focus = byId("focus");
    focus.replaceChildren(el("option", { value: "" }, ["the best plan" + (view.focus ? " (" + view.focus + ")" : "")]),
      ...view.arrangements.map((a) => el("option", { value: a }, [a])));
    focus.value = view.chosen_focus || "";
  }

  function drawCards() {
    const total = controls.outcomes.length;
    byId("cards").replaceChildren(...view.rows.map((r) => {
      const n = r.now;
      const b = r.base;
      return el("div", { className: "card", dataset: { arrangement: r.arrangement, score: n.score === null ? "" : String(n.score), status: n.status } }, [
        el("div", { className: "label" }, [r.arrangement]),
        el("div", { className: "value" }, [n.score === null ? n.status : score(n.score)]),
        el("div", { className: "note" }, [against(n.score, b.score, score, 1e-9)]),
        el("div", { className: "note" }, [
          n.targets_met === null ? "no plan" : n.targets_met + "/" + total + " targets met",
          n.targets_met !== b.targets_met && n.targets_met !== null && b.targets_met !== null ? " (" + b.targets_met + " at base)" : "",
        ]),
        n.broken && n.broken.length ? el("div", { className: "note warn" }, [n.broken.length + " rule" + (n.broken.length === 1 ? "" : "s") + " broken"]) : null,
        n.message && !n.score ? el("div", { className: "note warn" }, [n.message]) : null,
      ]);
    }));
  }

  function cell(now, base, format, noise, sense) {
    return el("td", { className: "num" }, [
      el("div", {}, [now === null || now === undefined ? "-" : format(now)]),
      el("div", {}, [delta(now, base, format, noise, sense)]),
    ]);
  }

  function drawMoved() {
    const head = ["arrangement", "status", "score", "targets met", "stretch met", "reward", "overhead", "set-up", "lapsed", "streams pooled"];
    const m = (row, key) => (row.money ? row.money[key] : null);
    const rows = view.rows.map((r) => el("tr", { dataset: { arrangement: r.arrangement } }, [
      el("td", {}, [r.arrangement]),
      el("td", {}, [r.now.status + (r.now.status !== r.base.status ? " (was " + r.base.status + ")" : "")]),
      cell(r.now.score, r.base.score, score, 1e-9),
      cell(r.now.targets_met, r.base.targets_met, String),
      cell(r.now.stretch_met, r.base.stretch_met, String),
      cell(r.now.reward, r.base.reward, money, 0.5),
      cell(m(r.now, "overhead"), m(r.base, "overhead"), money, 0.5, -1),
      cell(m(r.now, "setup"), m(r.base, "setup"), money, 0.5, -1),
      cell(m(r.now, "lapsed"), m(r.base, "lapsed"), money, 0.5, -1),
      cell(r.now.pooled, r.base.pooled, String, 0, 0),
    ]));
    byId("moved-table").replaceChildren(el("thead", {}, [el("tr", {}, head.map((h, i) => el("th", { className: i > 1 ? "num" : "" }, [h])))]),
      el("tbody", {}, rows));
    const broken = view.rows.filter((r) => r.now.broken && r.now.broken.length);
    byId("broken").replaceChildren(...broken.map((r) => el("div", { className: "box" }, [
      el("h3", {}, [r.arrangement + ": planned, but not every rule holds"]),
      el("ul", {}, r.now.broken.slice(0, 12).map((t) => el("li", {}, [t]))),
    ])));
  }

  function drawOutcomes() {
    byId("outcomes-title").textContent = "Outcomes that moved under the " + (view.focus || "best") + " plan";
    const body = view.outcomes.map((o) => el("tr", {}, [
      el("td", {}, [o.name]),
      el("td", {}, [o.block]),
      cell(o.now.spend, o.base.spend, money, 0.5, 0),
      cell(o.now.projected, o.base.projected, number, 1e-9, o.direction === "lower" ? -1 : 1),
      el("td", { className: "num" }, [number(o.target)]),
      cell(o.now.score, o.base.score, (v) => v.toFixed(3), 1e-9),
      el("td", {}, [mark(o.now) + (mark(o.now) !== mark(o.base) ? " (was " + (mark(o.base) || "not met") + ")" : "")]),
    ]));
    const table = byId("outcomes-table");
    if (!body.length) {
      table.replaceChildren(el("tbody", {}, [el("tr", {}, [el("td", {}, [view.changes.length ? "No outcome moved." : "Make a change to see what moves."])])]));
      return;
    }
    const head = ["outcome", "block", "spend", "projected", "target", "score", "met"];
    table.replaceChildren(el("thead", {}, [el("tr", {}, head.map((h, i) => el("th", { className: i > 1 && i < 6 ? "num" : "" }, [h])))]),
      el("tbody", {}, body));
  }

  function drawPartners() {
    const names = view.rows.map((r) => r.arrangement);
    const focus = view.focus;
    byId("partners-title").textContent = "Partners: each one's own view" + (focus ? ", and its money under the " + focus + " plan" : "");
    const head = ["partner", "outcomes in view", ...names.map((a) => a + (names.includes("silo") && a !== "silo" ? " (vs alone)" : "")),
      ...(focus ? ["paid into pots", "score bought"] : [])];
    const body = view.partners.map((p) => {
      const cells = names.map((a) => {
        const s = p.arrangements[a];
        const td = cell(s.now, s.base, score, 1e-9);
        if (s.better_off !== null && a !== "silo") {
          td.append(el("div", { className: s.better_off ? "ok" : "warn" }, [s.better_off ? "better off" : "worse off"]));
        }
        return td;
      });
      const acc = p.account;
      const figure = (key, format, noise, sense) =>
        cell(acc.now ? acc.now[key] : null, acc.base ? acc.base[key] : null, format, noise, sense);
      return el("tr", { dataset: { funder: p.funder } }, [
        el("td", {}, [p.name]),
        el("td", { className: "num" }, [String(p.outcomes)]),
        ...cells,
        ...(focus ? [figure("paid_into_pots", money, 0.5, 0), figure("score_bought", score, 1e-9)] : []),
      ]);
    });
    byId("partners-table").replaceChildren(
      el("thead", {}, [el("tr", {}, head.map((h, i) => el("th", { className: i > 0 ? "num" : "" }, [h])))]),
      el("tbody", {}, body));
  }

  function mark(o) {
    return o.stretch_met ? "★ stretch" : o.target_met ? "✓ target" : "";
  }

  function drawCharts() {
    const charts = [["chart-scores", "scores"], ["chart-money", "money"], ["chart-progress", "progress"], ["chart-flows", "flows"]];
    return Promise.all(charts.map(([id, key]) => {
      const figure = view.figures[key];
      const div = byId(id);
      div.parentElement.hidden = !figure;
      if (!figure) return Promise.resolve();
      div.style.height = (figure.layout.height || 300) + "px";
      return window.Plotly.react(div, figure.data, figure.layout, plotConfig);
    }));
  }

  function buildResults() {
    const section = (id, title, body) => el("section", { id }, [el("h2", { id: id + "-title" }, [title]), ...body]);
    const scroll = (id) => el("div", { className: "scroll" }, [el("table", { id })]);
    const chart = (id, title) => el("div", { className: "chart" }, [el("h3", {}, [title]), el("div", { id, className: "plot" })]);
    byId("results").replaceChildren(
      el("div", { className: "cards", id: "cards" }),
      section("moved", "What moved against the base", [scroll("moved-table"), el("div", { id: "broken" })]),
      el("div", { className: "grid2" }, [chart("chart-scores", "Score: base and with the changes"),
        chart("chart-money", "Money that never reaches an outcome")]),
      section("outcomes", "Outcomes that moved", [scroll("outcomes-table")]),
      section("partners", "Partners", [
        el("p", { className: "info" }, ["Each partner's own-view score: the area's score counted over the outcomes it answers " +
          "for (its interests, or what its streams may fund in the file). Better off: at least its score when every " +
          "partner plans alone (silo), with the same changes."]),
        scroll("partners-table")]),
      section("progress", "Progress to target and stretch", [chart("chart-progress", "Share of each target gap closed, with the changes")]),
      section("flows", "Where every pound goes", [chart("chart-flows", "Money flows of the plan shown")])
    );
  }

  async function start() {
    try {
      controls = await api("GET", "/api/scenario");
      buildResults();
      view = await api("GET", "/api/session");
      planning = view.seconds;
      buildControls();
      await draw(view);
    } catch (problem) {
      showProblems(problem);
    }
  }

  window.addEventListener("error", (e) => meeting.errors.push(String(e.message)));
  start();
})();
