// The desk's only script of its own: date fields get the Jalali picker (the server reads
// Persian, Arabic-Indic and ASCII digits alike, so typing a date works without it).
document.addEventListener("DOMContentLoaded", function () {
  if (window.jalaliDatepicker) {
    window.jalaliDatepicker.startWatch({ persianDigits: true, autoReadOnlyInput: false });
  }
});
