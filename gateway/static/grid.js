// Keyboard entry of marks in the journal grid. The table reads the same
// without this script; each column's heading leads to the lesson's page,
// whose plain forms do what this does. A mark is saved through the JSON
// API's POST /api/v1/marks, as any client would.
(function () {
  'use strict';
  var table = document.getElementById('journal-grid');
  if (!table || table.dataset.editable !== 'true') { return; }
  var announce = document.getElementById('grid-status');
  var lang = document.documentElement.lang || 'ru';

  // The page's legend is the one list of signs; typed forms are matched
  // without regard to case, as the lesson page's form does.
  var signs = Array.prototype.map.call(
    document.querySelectorAll('#mark-signs dt[data-status]'),
    function (dt) {
      return {
        status: dt.dataset.status,
        shown: dt.textContent.trim(),
        typed: dt.dataset.typed.split(' ')
      };
    }
  );
  var heads = Array.prototype.slice.call(table.querySelectorAll('thead th[data-lesson]'));
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-student]'));
  var grid = rows.map(function (row) {
    return Array.prototype.slice.call(row.querySelectorAll('td.cell'));
  });

  grid.forEach(function (cells, r) {
    cells.forEach(function (cell, c) {
      cell.tabIndex = 0;
      cell.dataset.row = String(r);
      cell.dataset.col = String(c);
    });
  });

  function cellAt(r, c) {
    return grid[r] && grid[r][c];
  }

  function move(r, c) {
    var target = cellAt(r, c);
    if (target) { target.focus(); }
  }

  function place(cell) {
    var r = Number(cell.dataset.row);
    var c = Number(cell.dataset.col);
    var name = rows[r].querySelector('th').textContent.trim();
    var head = heads[c].querySelector('a');
    return {
      r: r,
      c: c,
      student: rows[r].dataset.student,
      lesson: heads[c].dataset.lesson,
      date: heads[c].dataset.date,
      label: name + ', ' + (head ? head.getAttribute('aria-label') : heads[c].dataset.date)
    };
  }

  function tone(value) {
    var first = value.charAt(0);
    if (first === '5') { return 'm5'; }
    if (first === '4') { return 'm4'; }
    if (first === '3') { return 'm3'; }
    if (first === '2' || first === '1') { return 'm2'; }
    return 'mx';
  }

  function body(typed, at) {
    var text = typed.trim();
    var request = {
      student_id: at.student,
      subject_id: table.dataset.subject,
      lesson_date: at.date,
      lesson_id: at.lesson
    };
    var sign = signs.filter(function (s) {
      return s.typed.indexOf(text.toLowerCase()) !== -1;
    })[0];
    if (sign) { request.status = sign.status; } else { request.value = text; }
    return request;
  }

  function clearError(cell) {
    var old = cell.querySelector('.cell-error');
    if (old) { old.remove(); }
    cell.removeAttribute('aria-invalid');
  }

  function showError(cell, text) {
    clearError(cell);
    var error = document.createElement('span');
    error.className = 'cell-error';
    error.setAttribute('role', 'alert');
    error.textContent = text;
    cell.appendChild(error);
    cell.setAttribute('aria-invalid', 'true');
  }

  function problemText(problem) {
    if (problem && problem.errors && problem.errors.length) {
      return problem.errors.map(function (e) { return e.detail || e.field; }).join('; ');
    }
    return (problem && (problem.detail || problem.title)) || '';
  }

  function save(cell, editor) {
    var typed = editor.value;
    if (!typed.trim()) { close(cell); return; }
    var at = place(cell);
    var request = body(typed, at);
    editor.disabled = true;
    announce.textContent = table.dataset.saving;
    fetch('/api/v1/marks', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'accept-language': lang },
      body: JSON.stringify(request)
    }).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, json: json };
      }, function () {
        return { ok: false, json: null };
      });
    }).then(function (answer) {
      if (!answer.ok) { throw answer.json; }
      var mark = answer.json;
      var chip = document.createElement('span');
      var sign = signs.filter(function (s) { return s.status === mark.status; })[0];
      chip.textContent = mark.value || (sign ? sign.shown : '?');
      chip.className = 'mark ' + tone(mark.value || '');
      cell.insertBefore(chip, editor);
      close(cell);
      announce.textContent = table.dataset.saved + ': ' + at.label + ' — ' + chip.textContent;
    }).catch(function (problem) {
      editor.disabled = false;
      var why = problemText(problem);
      var text = why ? table.dataset.failed + ': ' + why : table.dataset.failed;
      showError(cell, text);
      announce.textContent = text;
      editor.focus();
    });
  }

  function close(cell) {
    var editor = cell.querySelector('input.cell-editor');
    if (editor) { editor.remove(); }
    cell.focus();
  }

  function open(cell, first) {
    var editor = cell.querySelector('input.cell-editor');
    if (!editor) {
      editor = document.createElement('input');
      editor.type = 'text';
      editor.className = 'cell-editor';
      editor.setAttribute('aria-label', place(cell).label);
      editor.maxLength = 20;
      editor.addEventListener('keydown', function (event) {
        if (event.key === 'Enter') {
          event.preventDefault();
          save(cell, editor);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          clearError(cell);
          close(cell);
        }
        event.stopPropagation();
      });
      editor.addEventListener('blur', function () {
        if (!editor.value.trim() && !editor.disabled) { editor.remove(); }
      });
      cell.appendChild(editor);
    }
    editor.value = first;
    editor.focus();
  }

  table.addEventListener('keydown', function (event) {
    var cell = event.target;
    if (!cell.matches || !cell.matches('td.cell')) { return; }
    var r = Number(cell.dataset.row);
    var c = Number(cell.dataset.col);
    switch (event.key) {
      case 'ArrowLeft': move(r, c - 1); break;
      case 'ArrowRight': move(r, c + 1); break;
      case 'ArrowUp': move(r - 1, c); break;
      case 'ArrowDown': move(r + 1, c); break;
      case 'Enter': open(cell, ''); break;
      default:
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey || event.key === ' ') {
          return;
        }
        open(cell, event.key);
    }
    event.preventDefault();
  });
}());
