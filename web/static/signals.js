// The lookup page: a file dropped anywhere on the drop zone is put into
// the form's file input and the form is sent. Without JavaScript the file
// input alone does the same.
(function () {
  "use strict";
  var zone = document.getElementById("drop");
  var form = document.getElementById("lookup-form");
  if (!zone || !form) return;
  var input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
    input.files = e.dataTransfer.files;
    form.submit();
  });
})();
