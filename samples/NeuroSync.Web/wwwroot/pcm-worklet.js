// AudioWorklet processor: the microphone as 16 kHz mono 16-bit PCM, posted to the page in chunks of `chunkSamples`
// (1600 = 100 ms) with the context time of each chunk's first sample. Runs on the audio rendering thread.
//
// When the AudioContext itself runs at 16 kHz (Chrome resamples the microphone for it), samples pass straight through.
// Otherwise (a browser that will not connect a microphone to a context of another rate) each output sample is the mean of
// the input samples in its period: a box filter, enough against aliasing for a voice-activity probe and a demo.
'use strict';

class PcmChunker extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = (options && options.processorOptions) || {};
    this.targetRate = o.targetRate || 16000;
    this.chunkSamples = o.chunkSamples || 1600;
    this.step = sampleRate / this.targetRate; // input samples per output sample
    this.running = false;
    this.reset();
    this.port.onmessage = (event) => {
      if (event.data === 'start') {
        this.reset();
        this.running = true;
      } else if (event.data === 'stop') {
        this.running = false;
      }
    };
  }

  reset() {
    this.chunk = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.chunkTime = 0;
    this.sum = 0;
    this.count = 0;
    this.consumed = 0;
    this.boundary = this.step;
  }

  process(inputs) {
    const input = inputs[0];
    if (!this.running || !input || input.length === 0) {
      return true;
    }

    const channels = input.length;
    const frames = input[0].length;
    for (let i = 0; i < frames; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      x /= channels;
      if (this.step === 1) {
        this.push(x, i);
        continue;
      }

      this.sum += x;
      this.count++;
      this.consumed++;
      if (this.consumed >= this.boundary) {
        this.push(this.sum / this.count, i);
        this.sum = 0;
        this.count = 0;
        this.boundary += this.step;
      }
    }

    return true;
  }

  push(x, i) {
    if (this.filled === 0) {
      this.chunkTime = currentTime + (i / sampleRate);
    }

    const s = Math.max(-1, Math.min(1, x));
    this.chunk[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === this.chunkSamples) {
      this.port.postMessage({ samples: this.chunk, time: this.chunkTime }, [this.chunk.buffer]);
      this.chunk = new Int16Array(this.chunkSamples);
      this.filled = 0;
    }
  }
}

registerProcessor('pcm-chunker', PcmChunker);
