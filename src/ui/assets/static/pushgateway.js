// The web UI's behaviour, no libraries: tabs, a group's body fetched when it is opened, the filter (answered
// by the server), deletes behind a confirmation, and "… ago" ages kept current. Values only ever come from
// the page's escaped text and data- attributes, or as server-escaped HTML: nothing is built into markup here.
'use strict';
(() => {
  const groups = document.getElementById('groups');
  const shown = document.getElementById('shown');
  const filter = document.getElementById('filter');
  const dialog = document.getElementById('confirm');
  const deleteAll = document.getElementById('del-all');
  const deleteMatching = document.getElementById('del-matching');
  const filterError = document.getElementById('filter-error');
  // The filter's text while the server takes it as a selector `{…}`, else null: what Delete matching groups deletes.
  let selector = null;
  // The server's clock minus ours, so that ages agree with the times the server printed.
  const skewMs = Number(document.body.dataset.now) - Date.now();

  // Tabs follow the URL's fragment, so /#status opens the Status tab and Back returns to Metrics.
  function showTab() {
    const status = location.hash === '#status';
    document.getElementById('metrics-div').hidden = status;
    document.getElementById('status-div').hidden = !status;
    document.getElementById('metrics-tab').classList.toggle('active', !status);
    document.getElementById('status-tab').classList.toggle('active', status);
  }
  window.addEventListener('hashchange', showTab);
  showTab();

  // Which groups are open survives a reload, as in newer Go's UI: their paths, kept for this tab's session.
  const OPEN_KEY = 'pushgateway.open-groups';
  const opened = new Set(JSON.parse(sessionStorage.getItem(OPEN_KEY) || '[]'));
  if (opened.size > 0) for (const card of groups.children) if (opened.has(card.dataset.path)) card.open = true;

  // Opening a group fetches its families afresh; `toggle` does not bubble, hence the capturing listener.
  groups.addEventListener('toggle', (event) => {
    const card = event.target;
    if (!card.classList.contains('group')) return;
    if (card.open) opened.add(card.dataset.path);
    else opened.delete(card.dataset.path);
    sessionStorage.setItem(OPEN_KEY, JSON.stringify([...opened]));
    if (!card.open) return;
    const body = card.querySelector('.body');
    body.textContent = 'Loading…';
    fetch('ui/group?g=' + encodeURIComponent(card.dataset.path))
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.status + ' ' + response.statusText))))
      .then((html) => { body.innerHTML = html; }, (error) => { body.textContent = 'Loading the group failed: ' + error.message; });
  }, true);

  groups.addEventListener('click', (event) => {
    const button = event.target.closest('button.delete');
    if (button === null) return;
    // A button inside <summary> would open or close the card as well.
    event.preventDefault();
    const card = button.closest('details.group');
    const labels = Array.from(card.querySelectorAll(':scope > summary > .badge'), (badge) => badge.textContent).join(', ');
    confirmThen('Do you really want to delete all metrics of group {' + labels + '}?', 'Delete', () =>
      request('DELETE', 'metrics/' + card.dataset.path, 'Deleting metric group failed: ').then((ok) => {
        if (!ok) return;
        card.remove();
        countGroups();
      }));
  });

  if (deleteAll !== null) {
    deleteAll.addEventListener('click', () =>
      confirmThen('Do you really want to delete all metrics from all metric groups?', 'Delete All', () =>
        request('PUT', 'api/v1/admin/wipe', 'Deleting all metric groups failed: ').then((ok) => {
          if (!ok) return;
          groups.replaceChildren();
          countGroups();
        })));
  }

  // Asks the server how many groups the selector matches now (a dry run), and deletes them once that is
  // confirmed; then the cards the filter shows go, as they are the groups it matched.
  if (deleteMatching !== null) {
    deleteMatching.addEventListener('click', () => {
      const chosen = selector;
      const url = 'api/v1/admin/groups?match[]=' + encodeURIComponent(chosen);
      fetch(url + '&dry_run=true', { method: 'DELETE' })
        .then((response) => response.json())
        .then((answer) => {
          if (answer.status !== 'success') throw new Error(answer.error);
          const count = answer.data.matched;
          if (count === 0) return alert('No group matches ' + chosen + '.');
          const groupsText = count === 1 ? '1 group' : count + ' groups';
          confirmThen('Do you really want to delete the ' + groupsText + ' matching ' + chosen + '?', 'Delete ' + groupsText, () =>
            request('DELETE', url, 'Deleting the matching groups failed: ').then((ok) => {
              if (!ok) return;
              for (const card of groups.querySelectorAll(':scope > details:not([hidden])')) card.remove();
              countGroups();
            }));
        })
        .catch((error) => alert('Deleting the matching groups failed: ' + error.message));
    });
  }

  function confirmThen(message, verb, action) {
    document.getElementById('confirm-msg').textContent = message;
    document.getElementById('confirm-ok').textContent = verb;
    dialog.returnValue = '';
    dialog.onclose = () => { if (dialog.returnValue === 'ok') action(); };
    dialog.showModal();
  }

  // Resolves true once the request succeeded; false after telling the user why it did not.
  function request(method, url, failure) {
    return fetch(url, { method }).then((response) => {
      if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
      return true;
    }).catch((error) => {
      alert(failure + error.message);
      return false;
    });
  }

  // The filter asks the server which groups match (the page holds no metric names); a slower answer to an
  // older query is dropped. Text starting with `{` is a selector: a bad one shows the parser's message and
  // hides every card.
  let timer;
  let latest = 0;
  filter.addEventListener('input', () => {
    clearTimeout(timer);
    // Until the server has answered for the new text, the button would delete what the old text matched.
    if (deleteMatching !== null) deleteMatching.disabled = true;
    timer = setTimeout(applyFilter, 150);
  });
  function applyFilter() {
    const query = filter.value.trim();
    const asked = ++latest;
    if (query === '') return showOnly(null, query, {});
    fetch('ui/match?q=' + encodeURIComponent(query))
      .then((response) => response.json())
      .then((answer) => { if (asked === latest) showOnly(new Set(answer.paths), query, answer); });
  }
  // `data-shown` tells which query the cards now reflect (tests wait for it).
  function showOnly(paths, query, answer) {
    for (const card of groups.children) card.hidden = paths !== null && !paths.has(card.dataset.path);
    selector = answer.selector ? query : null;
    if (deleteMatching !== null) deleteMatching.disabled = selector === null;
    filterError.textContent = answer.error || '';
    filterError.hidden = !answer.error;
    filter.dataset.shown = query;
    countGroups();
  }

  function countGroups() {
    const total = groups.children.length;
    const visible = groups.querySelectorAll(':scope > details:not([hidden])').length;
    shown.textContent = (visible === total ? '' : visible + ' of ') + total + (total === 1 ? ' group' : ' groups');
    if (deleteAll !== null) {
      document.getElementById('del-all-counter').textContent = total;
      deleteAll.disabled = total === 0;
    }
  }

  // A span in its largest whole unit, as ui/format.ts writes ages and expiry times on the server.
  function formatSpan(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' m';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h';
    return Math.floor(seconds / 86400) + ' d';
  }
  setInterval(() => {
    const now = Date.now() + skewMs;
    for (const age of document.querySelectorAll('.age')) age.textContent = formatSpan(now - Number(age.dataset.ms)) + ' ago';
    // An expired group's card stays until the page is loaded again.
    for (const expires of document.querySelectorAll('.expires')) {
      const left = Number(expires.dataset.ms) - now;
      expires.textContent = left > 0 ? 'expires in ' + formatSpan(left) : 'expired';
    }
  }, 30000);
})();
