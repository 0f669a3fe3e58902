// NeuroSync browser demo. Captures in the browser so the server needs no video decoder: the microphone as 16 kHz PCM
// (an AudioWorklet, pcm-worklet.js), sent as a 16-bit WAV, the camera as JPEG frames taken every `frameStride`-th frame
// at the camera's frame rate (the frames the pipeline samples), all in one multipart POST to /api/predict. The live mode
// (live.js) streams the same microphone and camera over a WebSocket.
'use strict';

const el = (id) => document.getElementById(id);
const ui = {
  preview: el('preview'), start: el('start'), status: el('status'), progress: el('progress'),
  result: el('result'), label: el('label'), confidence: el('confidence'), mask: el('mask'), scores: el('scores'),
  contributions: el('contributions'), frames: el('frames'), latency: el('latency'), error: el('error'),
  modelSet: el('model-set'), modelNote: el('model-note'), liveStart: el('live-start'), liveStop: el('live-stop'),
};

let info = { frameStride: 10, recordSeconds: 5 };
let stream = null;

async function init() {
  try {
    const response = await fetch('/api/info');
    if (response.ok) {
      info = await response.json();
      ui.modelSet.textContent = info.modelSet;
      if (info.description) {
        ui.modelNote.textContent = info.description;
        ui.modelNote.hidden = false;
      }
      ui.start.textContent = `Start Analysis (${info.recordSeconds}s)`;
    } else {
      // E.g. 503 while the model set is not loaded: say why, and still open the camera for the preview.
      showError(await problemText(response));
    }
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 } },
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    ui.preview.srcObject = stream;
    await ui.preview.play();
    setBusy(null);
    setStatus('Ready.');
  } catch (err) {
    showError(`Camera or microphone unavailable: ${err.message}. Allow access and reload the page.`);
    setStatus('Not ready.');
  }
}

function setStatus(text) { ui.status.textContent = text; }

// One capture at a time: the 5 s analysis (mode 'clip'), the live stream (mode 'live'), or none (null).
function setBusy(mode) {
  ui.start.disabled = mode !== null;
  ui.liveStart.disabled = mode !== null;
  ui.liveStop.disabled = mode !== 'live';
}

// The text of an error answer: the API's errors are RFC 9457 problem details (application/problem+json) with
// `title`, `status`, `detail` and, for /api/predict, the form `field` at fault.
async function problemText(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    return `${response.status} ${response.statusText}`;
  }
  const problem = await response.json();
  const text = problem.detail || problem.title || `${response.status} ${response.statusText}`;
  return problem.field ? `${text} (field: ${problem.field})` : text;
}

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

// Opens the microphone as 16 kHz mono 16-bit PCM through the AudioWorklet of pcm-worklet.js. `onChunk(samples, time)` gets
// each chunk of `chunkSamples` (Int16Array) with the AudioContext time of its first sample, once `start()` is called.
async function openMicrophone(chunkSamples, onChunk) {
  let context = new AudioContext({ sampleRate: 16000 });
  let source;
  try {
    source = context.createMediaStreamSource(stream);
  } catch {
    // A browser that cannot connect a microphone to a 16 kHz context: capture at its own rate, the worklet resamples.
    await context.close();
    context = new AudioContext();
    source = context.createMediaStreamSource(stream);
  }

  await context.audioWorklet.addModule('pcm-worklet.js');
  const node = new AudioWorkletNode(context, 'pcm-chunker', {
    numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
    processorOptions: { targetRate: 16000, chunkSamples },
  });
  node.port.onmessage = (event) => onChunk(event.data.samples, event.data.time);
  // The node must reach the destination to be rendered; the gain of 0 keeps the microphone off the speakers.
  const silent = context.createGain();
  silent.gain.value = 0;
  source.connect(node);
  node.connect(silent);
  silent.connect(context.destination);
  await context.resume();
  return {
    context,
    start() { node.port.postMessage('start'); },
    async close() {
      node.port.postMessage('stop');
      source.disconnect();
      node.disconnect();
      await context.close();
    },
  };
}

// Records the microphone for `seconds`; resolves with 16 kHz mono 16-bit samples.
async function recordAudio(seconds) {
  const chunks = [];
  const microphone = await openMicrophone(1600, (samples) => chunks.push(samples));
  microphone.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await microphone.close();
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const samples = new Int16Array(length);
  let offset = 0;
  for (const c of chunks) { samples.set(c, offset); offset += c.length; }
  return { samples, sampleRate: 16000 };
}

// Takes every frameStride-th camera frame as a JPEG for `seconds`.
function recordFrames(seconds) {
  const track = stream.getVideoTracks()[0];
  const fps = (track && track.getSettings().frameRate) || 30;
  const intervalMs = (1000 * info.frameStride) / fps;
  const canvas = document.createElement('canvas');
  const context2d = canvas.getContext('2d');
  const pending = [];
  return new Promise((resolve) => {
    const grab = () => {
      const w = ui.preview.videoWidth;
      const h = ui.preview.videoHeight;
      if (w > 0 && h > 0) {
        canvas.width = w;
        canvas.height = h;
        context2d.drawImage(ui.preview, 0, 0, w, h);
        pending.push(new Promise((r) => canvas.toBlob(r, 'image/jpeg', 0.92)));
      }
    };
    const timer = setInterval(grab, intervalMs);
    setTimeout(async () => {
      clearInterval(timer);
      resolve((await Promise.all(pending)).filter((b) => b !== null));
    }, seconds * 1000);
  });
}

// 16-bit PCM mono WAV of Int16 samples.
function encodeWav(samples, sampleRate) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (offset, s) => { for (let i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i)); };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i], true);
  return new Blob([buffer], { type: 'audio/wav' });
}

async function analyse() {
  setBusy('clip');
  ui.error.hidden = true;
  ui.result.dataset.state = 'recording';
  ui.progress.hidden = false;
  ui.progress.value = 0;
  const seconds = info.recordSeconds;
  const startedAt = performance.now();
  const tick = setInterval(() => { ui.progress.value = Math.min(100, ((performance.now() - startedAt) / (seconds * 10))); }, 100);
  setStatus(`Recording ${seconds} s…`);
  try {
    const [audio, frames] = await Promise.all([recordAudio(seconds), recordFrames(seconds)]);
    clearInterval(tick);
    ui.progress.value = 100;
    setStatus('Analysing…');
    const form = new FormData();
    form.append('audio', encodeWav(audio.samples, audio.sampleRate), 'clip.wav');
    frames.forEach((blob, i) => form.append('frames', blob, `frame${String(i).padStart(3, '0')}.jpg`));
    const sentAt = performance.now();
    const response = await fetch('/api/predict', { method: 'POST', body: form });
    const roundTripMs = performance.now() - sentAt;
    if (!response.ok) {
      throw new Error(await problemText(response));
    }
    render(await response.json(), roundTripMs);
    setStatus('Done.');
  } catch (err) {
    ui.result.dataset.state = 'error';
    showError(err.message);
    setStatus('Failed.');
  } finally {
    clearInterval(tick);
    ui.progress.hidden = true;
    setBusy(null);
  }
}

function render(p, roundTripMs) {
  ui.label.textContent = p.label;
  ui.confidence.textContent = `${(p.confidence * 100).toFixed(1)} %`;
  ui.mask.textContent = p.mask.text;
  renderScores(ui.scores, p.scores, p.rawLabel);
  ui.contributions.textContent = p.contributions
    ? `audio ${(p.contributions.audio * 100).toFixed(1)} %, video ${(p.contributions.video * 100).toFixed(1)} %`
    : 'not computed';
  ui.frames.textContent = `${p.frames.received} sent, face found in ${p.frames.withFace}`;
  ui.frames.dataset.withFace = p.frames.withFace;
  const t = p.timings;
  ui.latency.textContent = `${roundTripMs.toFixed(0)} ms round trip; server ${t.server.toFixed(0)} ms `
    + `(audio ${t.audioPreprocessing.toFixed(0)} + ${t.audioEncoder.toFixed(0)}, video ${t.videoPreprocessing.toFixed(0)} + ${t.visualEncoder.toFixed(0)}, fusion ${t.fusion.toFixed(0)} ms)`;
  ui.result.hidden = false;
  ui.result.dataset.state = 'done';
}

// Fills an <ol> with one bar per label; the arg-max label's bar is highlighted.
function renderScores(list, scores, topLabel) {
  list.replaceChildren(...scores.map((s) => {
    const li = document.createElement('li');
    li.dataset.label = s.label;
    li.classList.toggle('top', s.label === topLabel);
    const name = document.createElement('span');
    name.textContent = s.label;
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${(s.score * 100).toFixed(1)}%`;
    bar.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = s.score.toFixed(3);
    li.append(name, bar, value);
    return li;
  }));
}

ui.start.addEventListener('click', analyse);
init();
