// NeuroSync live mode: streams the microphone (16 kHz mono 16-bit PCM in 100 ms chunks, from the AudioWorklet of
// pcm-worklet.js) and the camera (a JPEG `framesPerSecond` times a second) over a WebSocket to /api/live, and shows what
// the server answers: the face box of every frame over the video, and an update every hop (the label, the score bars and
// a scrolling timeline of the seven scores). The binary protocol is described in samples/README.md ("The live mode").
// Runs after app.js and uses its page state and helpers (stream, ui, setBusy, setStatus, showError, renderScores).
'use strict';

const AUDIO = 0x01;
const FRAME = 0x02;
const END = 0x03;
const CHUNK_SAMPLES = 1600; // 100 ms at 16 kHz
const MAX_FRAME_WIDTH = 640;
const TIMELINE_POINTS = 60;
const MAX_BUFFERED_BYTES = 1024 * 1024; // frames are skipped while the socket has this much unsent
const MAX_UNANSWERED_FRAMES = 2; // ... and while this many frames wait for their face box (the server is behind),
const ANSWER_PATIENCE_MS = 1000; // unless the oldest has waited this long (a frame the server dropped gets no box)
const COLOURS = ['#d64545', '#7a9a2e', '#8e5cc2', '#f2b705', '#7b8494', '#2f6fd6', '#e07b39'];

const liveUi = {
  panel: el('live'), label: el('live-label'), confidence: el('live-confidence'), mask: el('live-mask'),
  scores: el('live-scores'), timeline: el('live-timeline'), legend: el('live-legend'), window: el('live-window'),
  frames: el('live-frames'), latency: el('live-latency'), faceBox: el('live-face-box'),
};

let live = null;

async function startLive() {
  setBusy('live');
  ui.error.hidden = true;
  setStatus('Live: connecting…');
  const state = {
    socket: null, microphone: null, timer: null, clockStart: 0, audioClockStart: 0, ready: null, stopping: false,
    encoding: false, framesSent: 0, framesSkipped: 0, history: [], updates: 0, canvas: document.createElement('canvas'),
    frameWidth: 0, frameHeight: 0, unanswered: [],
  };
  live = state;
  try {
    state.microphone = await openMicrophone(CHUNK_SAMPLES, (samples, time) => sendAudio(state, samples, time));
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/live`);
    socket.binaryType = 'arraybuffer';
    state.socket = socket;
    socket.onmessage = (event) => onMessage(state, JSON.parse(event.data));
    socket.onclose = (event) => onClosed(state, event);
    socket.onerror = () => {}; // the close event that follows says what happened
  } catch (err) {
    await cleanUp(state);
    showError(`Live mode unavailable: ${err.message}`);
    setStatus('Ready.');
    setBusy(null);
  }
}

function onMessage(state, message) {
  if (message.type === 'ready') {
    // The page's clock starts now, for the frames and (anchored to the AudioContext's clock) for the audio.
    state.ready = message;
    state.clockStart = performance.now();
    state.audioClockStart = state.microphone.context.currentTime;
    state.microphone.start();
    state.timer = setInterval(() => sendFrame(state), 1000 / message.framesPerSecond);
    liveUi.panel.hidden = false;
    liveUi.panel.dataset.state = 'live';
    liveUi.legend.replaceChildren(...message.labels.map((label, i) => {
      const span = document.createElement('span');
      span.textContent = label;
      span.style.setProperty('--swatch', COLOURS[i % COLOURS.length]);
      return span;
    }));
    liveUi.window.textContent = `${(message.windowMs / 1000).toFixed(1)} s window, an update every ${(message.hopMs / 1000).toFixed(1)} s`;
    setStatus(`Live (session ${message.session}, model set ${message.modelSet}).`);
  } else if (message.type === 'face') {
    state.unanswered = state.unanswered.filter((t) => t > message.t);
    drawFaceBox(message.box, message.width, message.height, message.t);
  } else if (message.type === 'update') {
    showUpdate(state, message);
  }
}

function now(state) { return Math.max(0, Math.round(performance.now() - state.clockStart)); }

function sendAudio(state, samples, time) {
  const socket = state.socket;
  if (!state.ready || state.stopping || !socket || socket.readyState !== WebSocket.OPEN) return;
  const timestamp = Math.max(0, Math.round((time - state.audioClockStart) * 1000));
  const message = new Uint8Array(10 + samples.byteLength);
  const view = new DataView(message.buffer);
  view.setUint8(0, AUDIO);
  view.setUint32(1, timestamp, true);
  view.setUint32(5, 16000, true);
  view.setUint8(9, 1);
  message.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), 10);
  socket.send(message);
}

function sendFrame(state) {
  const socket = state.socket;
  const w = ui.preview.videoWidth;
  const h = ui.preview.videoHeight;
  if (state.stopping || !socket || socket.readyState !== WebSocket.OPEN || w === 0 || h === 0) return;
  // Flow control: with a box per frame, frames the server has not answered yet are frames it has not got to; sending
  // more would only queue them (and the boxes would lag further behind the face).
  const perFrame = state.ready.faceBoxes === 'perFrame';
  const waiting = state.unanswered;
  const behind = perFrame && waiting.length >= MAX_UNANSWERED_FRAMES && now(state) - waiting[0] < ANSWER_PATIENCE_MS;
  if (state.encoding || behind || socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    state.framesSkipped++;
    return;
  }

  const scale = Math.min(1, MAX_FRAME_WIDTH / w);
  const canvas = state.canvas;
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  state.frameWidth = canvas.width;
  state.frameHeight = canvas.height;
  canvas.getContext('2d').drawImage(ui.preview, 0, 0, canvas.width, canvas.height);
  const timestamp = now(state);
  state.encoding = true;
  canvas.toBlob(async (blob) => {
    try {
      if (!blob || state.stopping || socket.readyState !== WebSocket.OPEN) return;
      const jpeg = new Uint8Array(await blob.arrayBuffer());
      const message = new Uint8Array(5 + jpeg.length);
      const view = new DataView(message.buffer);
      view.setUint8(0, FRAME);
      view.setUint32(1, timestamp, true);
      message.set(jpeg, 5);
      socket.send(message);
      state.framesSent++;
      state.unanswered.push(timestamp);
      if (state.unanswered.length > MAX_UNANSWERED_FRAMES) state.unanswered.shift();
    } finally {
      state.encoding = false;
    }
  }, 'image/jpeg', 0.8);
}

// Places the face box over the video: frame pixels to the element's pixels, for `object-fit: cover`.
function drawFaceBox(box, frameWidth, frameHeight, t) {
  const face = liveUi.faceBox;
  if (!box) {
    face.hidden = true;
    return;
  }

  const cw = ui.preview.clientWidth;
  const ch = ui.preview.clientHeight;
  const scale = Math.max(cw / frameWidth, ch / frameHeight);
  const left = ((cw - (frameWidth * scale)) / 2) + (box.x * scale);
  const top = ((ch - (frameHeight * scale)) / 2) + (box.y * scale);
  face.style.left = `${left.toFixed(1)}px`;
  face.style.top = `${top.toFixed(1)}px`;
  face.style.width = `${(box.width * scale).toFixed(1)}px`;
  face.style.height = `${(box.height * scale).toFixed(1)}px`;
  face.dataset.t = t;
  face.hidden = false;
}

function showUpdate(state, u) {
  state.updates++;
  liveUi.label.textContent = u.label;
  liveUi.label.dataset.sequence = u.sequence;
  liveUi.confidence.textContent = `${(u.confidence * 100).toFixed(1)} %`;
  liveUi.mask.textContent = u.mask.text;
  renderScores(liveUi.scores, u.scores, u.rawLabel);
  state.history.push({ end: u.windowEndMs, scores: u.scores.map((s) => s.score) });
  if (state.history.length > TIMELINE_POINTS) state.history.shift();
  drawTimeline(state);
  const withFace = u.faces.filter((f) => f.box).length;
  liveUi.frames.textContent = `${u.frames.received} sent (${state.framesSkipped} skipped here), ${u.frames.tooFast} dropped as too fast, `
    + `${u.frames.dropped} dropped by the stream; ${u.faces.length} analysed since the last update, ${withFace} with a face`;
  liveUi.latency.textContent = `${u.latencyMs.toFixed(0)} ms from the window's last input to the update`;
  if (state.ready && state.ready.faceBoxes === 'perUpdate') {
    const last = u.faces.filter((f) => f.box).pop();
    // The server sends no box per frame: show the newest face of the update (it lags by up to a hop).
    drawFaceBox(last ? last.box : null, state.frameWidth, state.frameHeight, last ? last.t : 0);
  }
}

// The seven scores over the last TIMELINE_POINTS updates, newest on the right.
function drawTimeline(state) {
  const canvas = liveUi.timeline;
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 4;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#e6e9f0';
  g.lineWidth = 1;
  for (const y of [0.25, 0.5, 0.75]) {
    g.beginPath();
    g.moveTo(0, pad + ((1 - y) * (h - (2 * pad))));
    g.lineTo(w, pad + ((1 - y) * (h - (2 * pad))));
    g.stroke();
  }

  const points = state.history;
  const dx = (w - (2 * pad)) / (TIMELINE_POINTS - 1);
  const x0 = w - pad - ((points.length - 1) * dx);
  const labels = points.length > 0 ? points[0].scores.length : 0;
  g.lineWidth = 2;
  for (let k = 0; k < labels; k++) {
    g.strokeStyle = COLOURS[k % COLOURS.length];
    g.beginPath();
    points.forEach((p, i) => {
      const x = x0 + (i * dx);
      const y = pad + ((1 - p.scores[k]) * (h - (2 * pad)));
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    if (points.length === 1) g.arc(x0, pad + ((1 - points[0].scores[k]) * (h - (2 * pad))), 1.5, 0, 2 * Math.PI);
    g.stroke();
  }

  canvas.dataset.updates = state.updates;
  canvas.dataset.windowEnds = points.map((p) => p.end).join(' ');
}

async function stopLive() {
  const state = live;
  if (!state || state.stopping) return;
  state.stopping = true;
  ui.liveStop.disabled = true;
  setStatus('Live: finishing…');
  clearInterval(state.timer);
  if (state.microphone) await state.microphone.close();
  state.microphone = null;
  const socket = state.socket;
  if (socket && socket.readyState === WebSocket.OPEN) {
    // The server answers with the final update, then closes (1000); a server that does not is left after 5 s.
    socket.send(new Uint8Array([END]));
    setTimeout(() => { if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'stopped'); }, 5000);
  } else {
    await cleanUp(state);
    setBusy(null);
  }
}

async function onClosed(state, event) {
  await cleanUp(state);
  liveUi.panel.dataset.state = 'closed';
  liveUi.faceBox.hidden = true;
  if (event.code === 1000 || (state.stopping && event.code === 1005)) {
    setStatus('Live stopped.');
  } else {
    const reason = event.reason || (state.ready ? 'the connection was lost' : 'the server refused the connection');
    showError(`Live mode ended by the server: ${reason} (code ${event.code}).`);
    setStatus('Live stopped.');
  }

  if (live === state) live = null;
  setBusy(null);
}

async function cleanUp(state) {
  clearInterval(state.timer);
  state.timer = null;
  if (state.microphone) {
    const microphone = state.microphone;
    state.microphone = null;
    await microphone.close();
  }
}

ui.liveStart.addEventListener('click', startLive);
ui.liveStop.addEventListener('click', stopLive);
