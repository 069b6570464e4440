/* Confirmation for irreversible actions: a form (or submit button) marked data-confirm="question" asks in a <dialog>
   before it is sent, then submits with confirmed=1 (and the button that was pressed). Without this
   script the server answers such a form with its own confirmation page (core/confirm.py). */
(function () {
  "use strict";
  var dialog = null, pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    var p = document.createElement("p");
    p.id = "confirm-dialog-text";
    var row = document.createElement("div");
    row.className = "actions";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button";
    cancel.id = "confirm-dialog-cancel";
    cancel.textContent = "取消";
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "button primary";
    ok.id = "confirm-dialog-ok";
    ok.textContent = "确定";
    row.appendChild(cancel);
    row.appendChild(ok);
    dialog.appendChild(p);
    dialog.appendChild(row);
    document.body.appendChild(dialog);
    cancel.addEventListener("click", function () { pending = null; dialog.close(); });
    ok.addEventListener("click", function () {
      dialog.close();
      if (pending) send(pending.form, pending.submitter);
      pending = null;
    });
  }

  function send(form, submitter) {
    var flag = form.querySelector("input[name=confirmed]");
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      form.appendChild(flag);
    }
    flag.value = "1";
    form.dataset.confirmedOnce = "1";
    if (form.requestSubmit) form.requestSubmit(submitter || undefined);
    else form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || form.tagName !== "FORM") return;
    if (form.dataset.confirmedOnce) { delete form.dataset.confirmedOnce; return; }
    var submitter = event.submitter || null;
    var text = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!text) return;
    event.preventDefault();
    if (typeof HTMLDialogElement === "function") {
      if (!dialog) build();
      document.getElementById("confirm-dialog-text").textContent = text;
      pending = { form: form, submitter: submitter };
      dialog.showModal();
      document.getElementById("confirm-dialog-cancel").focus();
    } else if (window.confirm(text)) {
      send(form, submitter);
    }
  });
})();
