// ebpm hub: suggestions under the search box as one types, from the JSON search endpoint the CLI uses too.
// The form works without this script; results are built with DOM calls and textContent, never as markup.
(function () {
  'use strict';
  var form = document.querySelector('form.search');
  if (!form || !window.fetch) return;
  var input = form.querySelector('input[name=q]');
  var list = document.createElement('ul');
  list.className = 'suggestions';
  list.id = 'suggestions';
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('aria-controls', list.id);

  var timer = null;
  var asked = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') list.hidden = true;
  });
  document.addEventListener('click', function (e) {
    if (!form.contains(e.target)) list.hidden = true;
  });

  function suggest() {
    var q = input.value.trim();
    var mine = ++asked;
    if (!q) {
      list.hidden = true;
      return;
    }
    fetch('/api/v1/search?limit=8&q=' + encodeURIComponent(q), {headers: {Accept: 'application/json'}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (found) {
        if (mine !== asked || !found) return; // a later keystroke asked again
        list.replaceChildren();
        found.packages.forEach(function (p) {
          var a = document.createElement('a');
          a.href = '/packages/' + encodeURIComponent(p.name);
          var name = document.createElement('span');
          name.className = 'name';
          name.textContent = p.name;
          var desc = document.createElement('span');
          desc.className = 'desc';
          desc.textContent = p.description || '';
          a.append(name, desc);
          var li = document.createElement('li');
          li.append(a);
          list.append(li);
        });
        list.hidden = found.packages.length === 0;
      })
      .catch(function () { list.hidden = true; });
  }
})();
