/* psr-check serve: small improvements to a page that works without this script.
   - says at once when a chosen file is of the wrong type or over the size limit (the server says
     the same if the script is off);
   - shows "Checking the draft…" and stops a second press while the check runs;
   - moves keyboard focus to the results or the problem after a check, so a screen reader starts
     there. Served from this server only (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  var file = document.getElementById("file");
  var fileNote = document.getElementById("file-note");
  var status = document.getElementById("status");
  var outcome = document.getElementById("outcome");
  if (outcome) {
    outcome.focus();
  }
  if (!form || !file) {
    return;
  }
  var limit = Number(file.getAttribute("data-limit")) || 0;
  var allowed = (file.getAttribute("accept") || "").split(",");

  function megabytes(bytes) {
    return (Math.round(bytes / 100000) / 10) + " MB";
  }

  file.addEventListener("change", function () {
    var chosen = file.files && file.files[0];
    fileNote.textContent = "";
    if (!chosen) {
      return;
    }
    var dot = chosen.name.lastIndexOf(".");
    var ending = dot >= 0 ? chosen.name.slice(dot).toLowerCase() : "";
    if (allowed.indexOf(ending) < 0) {
      fileNote.textContent = "“" + chosen.name + "” cannot be read: choose a Word (.docx) or text (.txt, .md) file.";
      file.value = "";
    } else if (limit && chosen.size > limit) {
      fileNote.textContent = "“" + chosen.name + "” is " + megabytes(chosen.size) + ", over the " +
        megabytes(limit) + " limit: check it is the right file.";
      file.value = "";
    } else {
      fileNote.textContent = "Chosen: " + chosen.name + ". Now press “Check the draft”.";
    }
  });

  form.addEventListener("submit", function () {
    var button = document.getElementById("check");
    status.textContent = "Checking the draft…";
    form.setAttribute("aria-busy", "true");
    // Disabled after the browser has taken the form's data, so the post itself is not stopped.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });

  // Coming back with the browser's Back button shows the page as it was left: ready again.
  window.addEventListener("pageshow", function () {
    document.getElementById("check").disabled = false;
    form.removeAttribute("aria-busy");
    status.textContent = "";
  });
})();
