using System.Diagnostics;
using System.Globalization;
using Dsl.Checkpoints;
using Dsl.Compression;
using Dsl.FineTuning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Training;

public sealed partial class Trainer
{
    private TrainingResult Run(
        ModelAdapter model,
        TensorDataset train,
        TensorDataset? validation,
        ITrainingCallback? callback,
        string? resumeFrom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        var losses = new Losses(options.Loss, options.LabelSmoothing);
        CheckRunSetup(model, train, validation, losses);
        var resume = resumeFrom is null ? null : ReadResumable(resumeFrom, model);

        // The optimizer must be built over the parameters on their final device, so the move comes first.
        model.Module.to(Device);
        var outputShape = CheckDataAgainstModel(model, losses, train, "training set");
        if (validation is not null) CheckDataAgainstModel(model, losses, validation, "validation set", outputShape);

        var batchesPerEpoch = BatchesPerEpoch(train.Count);
        var totalSteps = (long)options.Epochs * batchesPerEpoch;
        using var freezing = LayerFreezing.For(options, model.Module, model.Name);
        var parameters = model.Module.parameters().Where(p => p.requires_grad).ToArray();
        if (parameters.Length == 0)
            throw new ArgumentException(
                $"{model.Name} has no trainable parameters{freezing?.LeftAfter}.", nameof(model));

        using var optimizer = Optimizers.Create(options, parameters, HeadParameters(model, parameters));
        using var pruning = PruningPlan.For(options, model.Module);
        using var state = new RunState();
        if (resume is not null) RestoreResumable(resumeFrom!, resume, optimizer, state);
        using var swa = SwaAveraging.For(options, model.Module, batchesPerEpoch, totalSteps);
        // The average is not checkpointed, so a resume may not land between its first epoch and the last.
        if (swa is not null && state.LastEpoch >= swa.StartEpoch && state.LastEpoch < options.Epochs)
            throw new ArgumentException(
                $"Checkpoint '{resumeFrom}' stopped after epoch {state.LastEpoch}, inside stochastic weight averaging (from epoch {swa.StartEpoch}); such a run cannot be resumed.",
                nameof(resumeFrom));
        var augmentation = BatchAugmentation.For(options);
        if (augmentation is not null && train.InputTensors.All(t => t.dim() != 4))
            throw new ArgumentException(
                $"AugmentShift, AugmentFlip and AugmentErase act on image inputs (N×C×H×W), but {model.Name}'s training inputs have none.", nameof(train));

        var run = new FitRun(model, optimizer, parameters, losses, train, validation, batchesPerEpoch, totalSteps, state, callback, cancellationToken)
        {
            Swa = swa,
            Augmentation = augmentation,
            Pruning = pruning,
            Freezing = freezing,
        };
        TrainingResult? result = null;
        callback?.OnFitStart(new TrainingStart(
            options.Epochs, state.LastEpoch + 1, batchesPerEpoch, train.Count, validation?.Count ?? 0, Device.ToString()));
        try
        {
            var (outcome, message) = (TrainingOutcome.Completed, (string?)null);
            for (var epoch = state.LastEpoch + 1; epoch <= options.Epochs && outcome == TrainingOutcome.Completed; epoch++)
                (outcome, message) = RunEpoch(run, epoch);

            var restored = false;
            if (options.EarlyStopping is { RestoreBestWeights: true } && state.Best is not null)
            {
                // No epoch before the last pruning step is tracked, so these weights already hold every zero.
                state.Best.RestoreInto(model.Module);
                restored = true;
            }
            result = new TrainingResult(state.History.ToArray())
            {
                Outcome = outcome,
                Message = message,
                Divergence = state.Divergence,
                BestEpoch = state.BestEpoch,
                RestoredBestWeights = restored,
                SwaAveragedEpochs = run.SwaApplied ? swa!.Count : 0,
            };
            return result;
        }
        finally
        {
            callback?.OnFitEnd(result);
        }
    }

    /// <summary>One epoch: training steps, validation, early stopping, callbacks and the checkpoint; returns how the run goes on.</summary>
    private (TrainingOutcome Outcome, string? Message) RunEpoch(FitRun run, int epoch)
    {
        var (model, state, callback) = (run.Model, run.State, run.Callback);
        var (report, stopped, reason) = TrainEpoch(run, epoch);
        if (stopped is { } outcome) return (outcome, reason);
        // A finite loss before the epoch's last step says nothing about the weights that step left; without this a run
        // could end "completed" with weights that give NaN everywhere.
        if (NonFiniteParameter(model.Module) is { } parameter)
            return Diverge(state, new TrainingDivergence(epoch, null, report!.LearningRate, $"parameter {parameter} became non-finite"));
        if (run.Swa is { } swa && epoch >= swa.StartEpoch)
        {
            swa.Update();
            // The last epoch's validation, early stopping, callback and checkpoint all see the averaged model.
            if (epoch == options.Epochs)
            {
                swa.LoadIntoModel();
                // Epochs averaged before the last pruning step hold weights it removed.
                run.Pruning?.Apply();
                BatchNormStatistics.Recompute(model.Module, () => ForwardTrainingBatches(run), run.Freezing?.FrozenBatchNorms);
                run.SwaApplied = true;
            }
        }

        if (run.Validation is { } validation)
        {
            var clock = Stopwatch.StartNew();
            var evaluation = EvaluateCore(model, validation, run.Losses, run.CancellationToken);
            if (evaluation is null) return (TrainingOutcome.Cancelled, $"Cancelled while validating epoch {epoch}.");
            report = report! with { Validation = evaluation, ValidationTime = clock.Elapsed };
        }
        state.History.Add(report!);

        var result = (TrainingOutcome.Completed, (string?)null);
        if (report!.Validation is { Loss: var validationLoss } && !double.IsFinite(validationLoss))
            result = Diverge(state, new TrainingDivergence(epoch, null, report.LearningRate, $"the validation loss became {Format(validationLoss)}"));
        // An epoch before the last pruning step cannot be the best: restoring its weights would add zeros its value never saw.
        else if (options.EarlyStopping is { } earlyStopping && epoch >= (run.Pruning?.LastPruningEpoch ?? 0)
                 && UpdateEarlyStopping(earlyStopping, report, state, model.Module) is { } stop)
            result = stop;

        // The callback sees every finished epoch, including the one that ends the run, so a sweep records its last value.
        var decision = callback?.OnEpochEnd(report) ?? EpochDecision.Continue;
        if (options.CheckpointPath is { } path) SaveResumable(path, model, run.Optimizer, state, report);

        if (result.Item1 == TrainingOutcome.Diverged) return result;
        return decision switch
        {
            EpochDecision.Prune => (TrainingOutcome.Pruned, $"Pruned by a callback after epoch {epoch}."),
            EpochDecision.Stop => (TrainingOutcome.StoppedByCallback, $"Stopped by a callback after epoch {epoch}."),
            _ => result,
        };
    }

    private (EpochReport? Report, TrainingOutcome? Stopped, string? Reason) TrainEpoch(FitRun run, int epoch)
    {
        var (model, optimizer, train, state, batchesPerEpoch) = (run.Model, run.Optimizer, run.Train, run.State, run.BatchesPerEpoch);
        model.Module.train();
        run.Freezing?.AfterTrainMode();
        run.Pruning?.BeforeEpoch(epoch);
        // Dropout draws from the global generator: seeding it per epoch makes every epoch, resumed or not, repeat exactly.
        Seeds.SeedGlobal(Seeds.ForEpoch(options.Seed, epoch, Seeds.DropoutStream), Device);
        using var order = options.Shuffle ? ShuffledOrder(train, epoch) : null;
        using var augmentationDraws = run.Augmentation is null ? null : BatchAugmentation.EpochGenerator(options.Seed, epoch, Device);
        var inputs = new Tensor[model.InputCount];
        double lossSum = 0;
        long seen = 0, dataTicks = 0;
        var learningRate = options.LearningRate;
        var start = Stopwatch.GetTimestamp();

        for (var batch = 0; batch < batchesPerEpoch; batch++)
        {
            if (run.CancellationToken.IsCancellationRequested)
                return (null, TrainingOutcome.Cancelled, $"Cancelled in epoch {epoch} before batch {batch + 1} of {batchesPerEpoch}.");

            var offset = (long)batch * options.BatchSize;
            var length = Math.Min(options.BatchSize, train.Count - offset);
            double value;
            // TorchSharp frees nothing by itself: every tensor a step creates dies with this scope.
            using (var scope = NewDisposeScope())
            {
                var dataStart = Stopwatch.GetTimestamp();
                var labels = SelectBatch(train, order, offset, length, inputs);
                dataTicks += Stopwatch.GetTimestamp() - dataStart;
                // Augmentation is part of the step, not of data loading: DataLoadingShare measures the batch selection alone.
                run.Augmentation?.Apply(inputs, augmentationDraws!);

                learningRate = options.LearningRate * options.Schedule.Factor(state.Step, run.TotalSteps, batchesPerEpoch);
                if (run.Swa is { } swa) learningRate = swa.LearningRate(state.Step, learningRate);
                Optimizers.SetLearningRate(optimizer, learningRate, options);
                optimizer.zero_grad();
                var loss = run.Losses.Compute(model.Forward(inputs), labels);
                value = Losses.Value(loss);
                // Checked before the step, so a diverged run keeps its last finite weights instead of NaNs everywhere.
                if (!double.IsFinite(value))
                {
                    var (diverged, why) = Diverge(state, new TrainingDivergence(
                        epoch, batch + 1, learningRate, $"the training loss became {Format(value)}; that step was not applied"));
                    return (null, diverged, why);
                }
                loss.backward();
                if (options.GradientClipNorm is { } maxNorm) nn.utils.clip_grad_norm_(run.Parameters, maxNorm);
                optimizer.step();
                run.Pruning?.Apply();
            }
            state.Step++;
            lossSum += value * length;
            seen += length;
            // Outside the batch's scope: tensors a callback makes are its own, not freed behind its back.
            run.Callback?.OnBatchEnd(new BatchReport(epoch, batch + 1, batchesPerEpoch, value, seen / Stopwatch.GetElapsedTime(start).TotalSeconds));
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var report = new EpochReport(epoch, lossSum / seen, null, seen / elapsed.TotalSeconds)
        {
            LearningRate = learningRate,
            Batches = batchesPerEpoch,
            TrainingTime = elapsed,
            DataLoadingShare = Stopwatch.GetElapsedTime(0, dataTicks) / elapsed,
            Sparsity = run.Pruning?.Measure(),
        };
        return (report, null, null);
    }

    /// <summary>The parameters <see cref="TrainingOptions.HeadLayers"/> selects among the trainable ones; null when it is not set.</summary>
    private HashSet<Parameter>? HeadParameters(ModelAdapter model, IReadOnlyList<Parameter> trainable)
    {
        if (options.HeadLayers is null) return null;
        var pattern = LayerPattern.Parse(options.HeadLayers, nameof(TrainingOptions.HeadLayers));
        var named = model.Module.named_parameters().ToArray();
        var head = named.Where(p => pattern.Matches(p.name) && trainable.Contains(p.parameter)).Select(p => p.parameter).ToHashSet();
        if (head.Count == 0)
            throw new ArgumentException(
                $"HeadLayers '{pattern}' selects no trainable parameter of {model.Name}; its parameters are {string.Join(", ", named.Select(p => p.name))}.",
                nameof(model));
        return head;
    }

    /// <summary>Runs the model once over the training data in order, without augmentation: the BatchNorm update's pass.</summary>
    private void ForwardTrainingBatches(FitRun run)
    {
        var inputs = new Tensor[run.Model.InputCount];
        for (long offset = 0; offset < run.Train.Count; offset += options.BatchSize)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            SelectBatch(run.Train, null, offset, Math.Min(options.BatchSize, run.Train.Count - offset), inputs);
            run.Model.Forward(inputs);
        }
    }

    private static (TrainingOutcome, string?)? UpdateEarlyStopping(EarlyStopping earlyStopping, EpochReport report, RunState state, nn.Module module)
    {
        var value = earlyStopping.Monitor.Read(report);
        if (!double.IsFinite(value))
            return Diverge(state, new TrainingDivergence(report.Epoch, null, report.LearningRate, $"{earlyStopping.Monitor} became {Format(value)}"));
        if (state.BestValue is not { } best || earlyStopping.Monitor.Improves(value, best, earlyStopping.MinDelta))
        {
            state.BestValue = value;
            state.BestEpoch = report.Epoch;
            state.EpochsWithoutImprovement = 0;
            if (earlyStopping.RestoreBestWeights)
            {
                if (state.Best is null) state.Best = WeightSnapshot.Capture(module);
                else state.Best.Update(module);
            }
            return null;
        }
        if (++state.EpochsWithoutImprovement < earlyStopping.Patience) return null;
        return (TrainingOutcome.EarlyStopped,
            $"{earlyStopping.Monitor} did not improve for {earlyStopping.Patience} epochs; the best, {Format(state.BestValue.Value)}, was at epoch {state.BestEpoch}.");
    }

    private static (TrainingOutcome, string?) Diverge(RunState state, TrainingDivergence divergence)
    {
        state.Divergence = divergence;
        return (TrainingOutcome.Diverged, "Training " + divergence + ".");
    }

    /// <summary>The name of the first parameter holding a NaN or infinity, or null when all are finite; one sync for all.</summary>
    private static string? NonFiniteParameter(nn.Module module)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parameters = module.named_parameters().ToArray();
        if (parameters.Length == 0) return null;
        using var finite = stack(parameters.Select(p => p.parameter.isfinite().all()).ToArray()).cpu();
        var flags = finite.data<bool>().ToArray();
        var bad = Array.IndexOf(flags, false);
        return bad < 0 ? null : parameters[bad].name;
    }

    private int BatchesPerEpoch(long samples)
    {
        var full = samples / options.BatchSize;
        var batches = options.DropLastBatch || samples % options.BatchSize == 0 ? full : full + 1;
        if (batches == 0)
            throw new ArgumentException(
                $"DropLastBatch with BatchSize {options.BatchSize} leaves no batch from a training set of {samples} samples.", nameof(samples));
        return checked((int)batches);
    }

    private Tensor ShuffledOrder(TensorDataset data, int epoch)
    {
        using var generator = new Generator((ulong)Seeds.ForEpoch(options.Seed, epoch, Seeds.ShuffleStream), CPU);
        var order = randperm(data.Count, generator: generator);
        if (data.Device.type == DeviceType.CPU) return order;
        using (order) return order.to(data.Device);
    }

    /// <summary>Fills <paramref name="inputs"/> with a batch on the training device and returns its labels; all in the caller's scope.</summary>
    private Tensor SelectBatch(TensorDataset data, Tensor? order, long offset, long length, Tensor[] inputs)
    {
        var sources = data.InputTensors;
        if (order is null)
        {
            for (var i = 0; i < inputs.Length; i++) inputs[i] = ToDevice(sources[i].narrow(0, offset, length));
            return ToDevice(data.Labels.narrow(0, offset, length));
        }
        var indices = order.narrow(0, offset, length);
        for (var i = 0; i < inputs.Length; i++) inputs[i] = ToDevice(sources[i].index_select(0, indices));
        return ToDevice(data.Labels.index_select(0, indices));
    }

    private Tensor ToDevice(Tensor tensor)
    {
        var device = Device;
        return tensor.device_type == device.type && (device.type == DeviceType.CPU || tensor.device_index == device.index)
            ? tensor
            : tensor.to(device, non_blocking: true);
    }

    private TrainingStateRecord ReadResumable(string path, ModelAdapter model)
    {
        var document = Checkpoint.ReadDocument(path);
        var training = TrainingStateJson.Read(document);
        if (training is null)
            throw new CheckpointException(Checkpoint.MetadataPath(path),
                $"Checkpoint '{path}' cannot be resumed: it holds weights only (Checkpoint.Save); resumable checkpoints come from TrainingOptions.CheckpointPath.");
        if (!string.Equals(document.ModelType, model.Info.TypeName, StringComparison.Ordinal))
            throw new CheckpointException(Checkpoint.MetadataPath(path),
                $"Checkpoint '{path}' holds a '{document.ModelType}', but the model to resume is a '{model.Info.TypeName}'.");
        if (!string.Equals(training.Optimizer, options.Optimizer.ToString(), StringComparison.Ordinal))
            throw new CheckpointException(Checkpoint.MetadataPath(path),
                $"Checkpoint '{path}' was trained with {training.Optimizer}, but the options say {options.Optimizer}; resume with the same optimizer.");
        Checkpoint.LoadWeights(model.Module, path, model.Name);
        return training;
    }

    private void RestoreResumable(string path, TrainingStateRecord training, optim.Optimizer optimizer, RunState state)
    {
        if (training.HasOptimizerState)
        {
            var optimizerPath = Checkpoint.OptimizerPath(path);
            if (!File.Exists(optimizerPath))
                throw new CheckpointException(optimizerPath, $"Checkpoint '{path}' lacks its optimizer state '{optimizerPath}'.");
            try
            {
                ((OptimizerHelper)optimizer).load_state_dict(optimizerPath);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotImplementedException)
            {
                throw new CheckpointException(optimizerPath, $"The optimizer state '{optimizerPath}' does not fit this model's {options.Optimizer}: {e.Message}", e);
            }
        }
        if (training.HasBestWeights)
        {
            var bestPath = Checkpoint.BestWeightsPath(path);
            if (!File.Exists(bestPath)) throw new CheckpointException(bestPath, $"Checkpoint '{path}' lacks its best-epoch weights '{bestPath}'.");
            var tensors = Checkpoint.ReadStateDict(bestPath);
            foreach (var name in tensors.Keys.ToArray())
                if (tensors[name].device_type != Device.type)
                {
                    var moved = tensors[name].to(Device);
                    tensors[name].Dispose();
                    tensors[name] = moved;
                }
            state.Best = WeightSnapshot.Adopt(tensors);
        }
        state.History.AddRange(training.History.Select(r => r.ToReport()));
        state.Step = training.Step;
        state.BestEpoch = training.BestEpoch;
        state.BestValue = training.BestValue;
        state.EpochsWithoutImprovement = training.EpochsWithoutImprovement;
    }

    private void SaveResumable(string path, ModelAdapter model, optim.Optimizer optimizer, RunState state, EpochReport report)
    {
        var training = new TrainingStateRecord
        {
            Epoch = report.Epoch,
            Step = state.Step,
            Seed = options.Seed,
            Optimizer = options.Optimizer.ToString(),
            HasOptimizerState = true,
            BestEpoch = state.BestEpoch,
            BestValue = state.BestValue,
            EpochsWithoutImprovement = state.EpochsWithoutImprovement,
            HasBestWeights = state.Best is not null,
            History = [.. state.History.Select(EpochRecord.From)],
        };
        var metrics = report.Validation is { } validation ? EvaluationCheckpointInfo.MetricsOf(validation, "validation_") : [];
        metrics["train_loss"] = report.TrainLoss;
        var info = new CheckpointInfo { Epoch = report.Epoch, Metrics = metrics };
        Checkpoint.Write(path, model.Module, model.Info.TypeName, model.Info.Hyperparameters?.ToValues() ?? new Dictionary<string, object>(),
            info, TrainingStateJson.Write(training), optimizer, state.Best?.Tensors);
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>What every epoch of one run works with.</summary>
    private sealed record FitRun(
        ModelAdapter Model,
        optim.Optimizer Optimizer,
        Parameter[] Parameters,
        Losses Losses,
        TensorDataset Train,
        TensorDataset? Validation,
        int BatchesPerEpoch,
        long TotalSteps,
        RunState State,
        ITrainingCallback? Callback,
        CancellationToken CancellationToken)
    {
        /// <summary>Stochastic weight averaging, or null when off.</summary>
        public SwaAveraging? Swa { get; init; }

        /// <summary>Training-batch augmentation, or null when off.</summary>
        public BatchAugmentation? Augmentation { get; init; }

        /// <summary>Pruning and its masks, or null when off.</summary>
        public PruningPlan? Pruning { get; init; }

        /// <summary>The frozen layers, or null when none are.</summary>
        public LayerFreezing? Freezing { get; init; }

        /// <summary>Whether the model now holds the SWA average.</summary>
        public bool SwaApplied { get; set; }
    }

    /// <summary>The mutable progress of one run: history, step count, early-stopping state and the best weights.</summary>
    private sealed class RunState : IDisposable
    {
        public List<EpochReport> History { get; } = [];
        public long Step { get; set; }
        public int? BestEpoch { get; set; }
        public double? BestValue { get; set; }
        public int EpochsWithoutImprovement { get; set; }
        public WeightSnapshot? Best { get; set; }
        public TrainingDivergence? Divergence { get; set; }
        public int LastEpoch => History.Count == 0 ? 0 : History[^1].Epoch;

        public void Dispose() => Best?.Dispose();
    }
}
