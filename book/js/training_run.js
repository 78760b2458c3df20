// A training run for the playground: train epoch by epoch, and look at any epoch again.
//
// A page creates a run from its settings, calls step() once per frame while playing (or once per
// click), and draws what at(epoch) returns: the weights, activations, gradients and loss of any
// epoch trained so far. Training goes through NeuralNetwork.train, in chunks, so every loss is the
// one train() computes in one call, and a run that diverges stops at the epoch, with the message,
// that train() reports. The run keeps every loss and a copy of the parameters every
// `checkpointEvery` epochs; at(epoch) replays the epochs since the checkpoint before it, which
// gives that epoch's parameters bit for bit (the same operations in the same order).

import { ALPHA, INIT_SCALE, LEARNING_RATE, NeuralNetwork, SEED, TrainingDiverged } from "./mlp.js";
import { checkData, count, real } from "./mlp_checks.js";

export class TrainingRun {
  /**
   * @param {object} settings
   * @param {number[]} settings.layerSizes - e.g. [1, 4, 3, 1]
   * @param {Matrix|number[][]} settings.X - inputs, shape (layerSizes[0], n_samples)
   * @param {Matrix|number[][]} settings.Y - targets, shape (layerSizes[L], n_samples)
   * @param {number} [settings.learningRate] - > 0 (LEARNING_RATE)
   * @param {number} [settings.alpha] - Leaky ReLU slope (ALPHA)
   * @param {number|bigint} [settings.seed] - the initial weights are mlp_core's for this seed (SEED)
   * @param {number|"he"} [settings.weightScale] - INIT_SCALE, a positive number or "he"
   * @param {number} [settings.checkpointEvery] - epochs between kept copies of the parameters:
   *   at() replays at most this many epochs (100)
   */
  constructor({
    layerSizes,
    X,
    Y,
    learningRate = LEARNING_RATE,
    alpha = ALPHA,
    seed = SEED,
    weightScale = INIT_SCALE,
    checkpointEvery = 100,
  }) {
    this.network = new NeuralNetwork(layerSizes, { alpha, seed, weightScale });
    [this.X, this.Y] = checkData(this.network, X, Y);
    this.learningRate = real("learningRate", learningRate, { positive: true });
    this.checkpointEvery = count("checkpointEvery", checkpointEvery, 1);
    /** Epochs trained so far; the network is at this epoch (at the diverged one, if it diverged). */
    this.epoch = 0;
    /** null, or the TrainingDiverged that stopped the run, as mlp_core's train() raises it. */
    this.diverged = null;
    this.allLosses = new Float64Array(1024);
    this.checkpoints = [this.network.copy()]; // checkpoints[c]: the parameters at epoch c * K
  }

  /** The loss of each epoch trained so far, shape (epoch,): a view, valid until the next step. */
  get losses() {
    return this.allLosses.subarray(0, this.epoch);
  }

  /**
   * Train up to `epochs` more epochs; stop early if the run diverges (then `diverged` is set).
   * @param {number} [epochs] - >= 0 (1)
   * @returns {number} how many epochs were trained
   */
  step(epochs = 1) {
    epochs = count("epochs", epochs, 0);
    const start = this.epoch;
    const K = this.checkpointEvery;
    while (!this.diverged && this.epoch < start + epochs) {
      // Train up to the next checkpoint, or to the end of the step, in one call of train().
      const chunk = Math.min(start + epochs, (Math.floor(this.epoch / K) + 1) * K) - this.epoch;
      let losses;
      try {
        losses = this.network.train(this.X, this.Y, chunk, this.learningRate);
      } catch (error) {
        if (!(error instanceof TrainingDiverged)) throw error;
        // train() put the network back at the chunk's start: move it to the diverged epoch.
        this.record(error.losses);
        this.network.train(this.X, this.Y, error.losses.length, this.learningRate);
        this.diverged = new TrainingDiverged(this.epoch, this.learningRate, this.losses.slice());
        break;
      }
      this.record(losses);
      if (this.epoch % K === 0) this.checkpoints.push(this.network.copy());
    }
    return this.epoch - start;
  }

  /** Append the losses of epochs just trained. */
  record(losses) {
    if (this.epoch + losses.length > this.allLosses.length) {
      const grown = new Float64Array(2 * (this.epoch + losses.length));
      grown.set(this.losses);
      this.allLosses = grown;
    }
    this.allLosses.set(losses, this.epoch);
    this.epoch += losses.length;
  }

  /**
   * Everything about one epoch trained so far, computed afresh (the arrays are new).
   * @param {number} epoch - 0 (the initial weights) to this.epoch, or to this.epoch - 1 once the
   *   run diverged (the last epoch whose loss is finite)
   * @returns {{epoch: number, network: NeuralNetwork, weights: Matrix[], biases: Matrix[],
   *   activations: Matrix[], zs: Matrix[], dW: Matrix[], dB: Matrix[], loss: number}}
   *   the network with that epoch's parameters (before that epoch's update), its forward pass on
   *   X, the loss, and the gradients that epoch's update uses
   */
  at(epoch) {
    epoch = count("epoch", epoch, 0);
    const last = this.diverged ? this.epoch - 1 : this.epoch;
    if (epoch > last) {
      const what = this.diverged ? "the last epoch with a finite loss" : "the epochs trained";
      throw new RangeError(`epoch must be at most ${last}, ${what}; got ${epoch}.`);
    }
    const c = Math.floor(epoch / this.checkpointEvery);
    const network = this.checkpoints[c].copy();
    network.train(this.X, this.Y, epoch - c * this.checkpointEvery, this.learningRate);
    const { activations, zs } = network.forwardPass(this.X);
    const loss = network.computeLoss(this.Y, activations.at(-1));
    const { dW, dB } = network.backwardPass(activations, zs, this.Y);
    const { weights, biases } = network;
    return { epoch, network, weights, biases, activations, zs, dW, dB, loss };
  }
}
