// The schedule grid: drag a meeting to a free table or room to move it there. The move is the
// meeting's own move form, filled in and sent, so the server checks it as any other move; the
// page does the same without this script.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var grid = document.querySelector("table.grid");
  if (!grid) {
    return;
  }
  var dragged = null;

  grid.querySelectorAll("td.meeting[data-meeting]").forEach(function (cell) {
    cell.draggable = true;
    cell.addEventListener("dragstart", function (event) {
      dragged = cell;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", cell.dataset.meeting);
      grid.classList.add("dragging");
    });
    cell.addEventListener("dragend", function () {
      dragged = null;
      grid.classList.remove("dragging");
      grid.querySelectorAll("td.drop-here").forEach(function (c) {
        c.classList.remove("drop-here");
      });
    });
  });

  // A free cell takes a meeting of its own kind: a table a one-to-one, a room a delegation.
  function takes(cell) {
    return dragged !== null && cell.dataset.kind === dragged.dataset.kind;
  }

  grid.querySelectorAll("td.free[data-place]").forEach(function (cell) {
    cell.addEventListener("dragover", function (event) {
      if (takes(cell)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        cell.classList.add("drop-here");
      }
    });
    cell.addEventListener("dragleave", function () {
      cell.classList.remove("drop-here");
    });
    cell.addEventListener("drop", function (event) {
      if (!takes(cell)) {
        return;
      }
      event.preventDefault();
      var form = document.querySelector(
        "#meeting-" + CSS.escape(dragged.dataset.meeting) + " form.move"
      );
      var slot = form && form.querySelector("select[name=slot]");
      var place = form && form.querySelector("select[name=place]");
      if (!slot || !place) {
        return;
      }
      slot.value = cell.parentElement.dataset.slot;
      place.value = cell.dataset.place;
      if (slot.value === cell.parentElement.dataset.slot && place.value === cell.dataset.place) {
        form.submit();
      }
    });
  });
});
