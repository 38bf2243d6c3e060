// The chat page: the browser's own EventSource follows the room's topic on the gateway, fetch posts messages to
// the chat function through the gateway's /invoke. No library, nothing from a CDN: it works offline.
// Query parameters: gateway (default: this host, port 8080), room (default lobby).
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const gateway = (params.get('gateway') || `${location.protocol}//${location.hostname}:8080`).replace(/\/+$/, '');
  const room = params.get('room') || 'lobby';
  const topic = `room.${room}`;
  const clientId = `chat-${randomHex(8)}`;

  const list = document.getElementById('messages');
  const state = document.getElementById('state');
  const form = document.getElementById('compose');
  const fromInput = document.getElementById('from');
  const textInput = document.getElementById('text');
  const sendButton = document.getElementById('send');
  const errorLine = document.getElementById('error');

  const shown = new Set();     // message ids on the page (history and stream)
  const streamed = new Set();  // message ids the stream delivered: a second delivery is counted, not shown
  let duplicates = 0;
  let historyLoaded = false;

  document.getElementById('room-name').textContent = `#${room}`;
  document.body.dataset.clientId = clientId;
  fromInput.value = localStorage.getItem('switchboard-chat-name') || '';

  function randomHex(bytes) {
    const values = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.from(values, v => v.toString(16).padStart(2, '0')).join('');
  }

  function setState(name, label) {
    state.className = `state ${name}`;
    state.textContent = label;
    document.body.dataset.state = name;
  }

  // Every piece of text goes in through textContent: a message is never parsed as HTML.
  // via: 'stream', 'history' or 'sent' (this page's own answer); a message shown once stays one item.
  function show(message, via) {
    if (shown.has(message.id)) {
      if (via === 'stream') {
        list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`)?.setAttribute('data-streamed', 'true');
      }
      return;
    }
    shown.add(message.id);
    const item = document.createElement('li');
    item.dataset.id = message.id;
    item.dataset.via = via;
    if (via === 'stream') {
      item.dataset.streamed = 'true';
    }
    if (message.from === fromInput.value.trim()) {
      item.classList.add('mine');
    }
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = message.from;
    const at = document.createElement('time');
    const date = new Date(message.at);
    at.dateTime = date.toISOString();
    at.textContent = date.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    item.append(from, at, text);
    const stick = list.parentElement.scrollTop + list.parentElement.clientHeight >= list.parentElement.scrollHeight - 40;
    // history is older than anything the stream or this page added meanwhile
    list.insertBefore(item, via === 'history' ? list.querySelector('li:not([data-via="history"])') : null);
    if (stick) {
      item.scrollIntoView({block: 'end'});
    }
  }

  function invoke(payload) {
    return fetch(`${gateway}/invoke/chat`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({payload}),
    }).then(async response => {
      const answer = await response.json().catch(() => ({}));
      if (!response.ok || answer.success === false) {
        throw new Error(answer.error || `the gateway answered HTTP ${response.status}`);
      }
      return answer.data;
    });
  }

  // The stream: EventSource reconnects by itself after a drop and sends the last id it saw (the gateway's resume
  // token) as Last-Event-ID, so the gateway replays what the page missed, on whichever replica it reaches.
  const source = new EventSource(`${gateway}/sse/${encodeURIComponent(clientId)}?topic=${encodeURIComponent(topic)}`);
  source.addEventListener('connected', event => {
    const connected = JSON.parse(event.data);
    document.body.dataset.replica = connected.replica || '';
    document.body.dataset.replayed = String(connected.replayed || 0);
    setState('connected', 'connected');
    if (!historyLoaded) {
      // after the stream is open, so that nothing falls between the history and the live messages
      historyLoaded = true;
      invoke({room, history: true})
        .then(data => (data.messages || []).forEach(message => show(message, 'history')))
        .catch(error => { errorLine.textContent = `history: ${error.message}`; });
    }
  });
  source.addEventListener('chat', event => {
    const message = JSON.parse(event.data).data;
    if (streamed.has(message.id)) {
      duplicates++;
      document.body.dataset.duplicates = String(duplicates);
      return;
    }
    streamed.add(message.id);
    show(message, 'stream');
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      setState('disconnected', 'disconnected (reload the page)');
    } else {
      setState('reconnecting', 'reconnecting…');
    }
  };
  document.body.dataset.duplicates = '0';

  form.addEventListener('submit', event => {
    event.preventDefault();
    const from = fromInput.value.trim();
    const text = textInput.value.trim();
    if (!from || !text) {
      errorLine.textContent = 'a name and a message, please';
      return;
    }
    localStorage.setItem('switchboard-chat-name', from);
    errorLine.textContent = '';
    sendButton.disabled = true;
    invoke({room, from, text})
      .then(data => {
        textInput.value = '';
        // the stream delivers it too (to every window in the room); showing it now just saves a round trip
        show(data.message, 'sent');
      })
      .catch(error => { errorLine.textContent = `not sent: ${error.message}`; })
      .finally(() => { sendButton.disabled = false; textInput.focus(); });
  });
})();
