using Dsl.Checkpoints;
using Dsl.ModelFusion.Soups;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Studies;

/// <summary>A study being fused: its ranked trials with kept checkpoints, the data, the fusion folder, and the evaluations every fusion shares.</summary>
internal sealed class FusedStudy
{
    private readonly IStudyStorage storage;
    private readonly SweepData data;
    private readonly StudyFusionOptions options;
    private readonly Trainer evaluator;

    private FusedStudy(IStudyStorage storage, string name, SweepData data, StudyFusionOptions options, IReadOnlyList<TrialRecord> ranked, string folder, string? sweepDirectory)
    {
        SweepDirectory = sweepDirectory;
        this.storage = storage;
        this.data = data;
        this.options = options;
        Name = name;
        Ranked = ranked;
        Folder = folder;
        evaluator = new Trainer(new TrainingOptions { Device = options.Device });
    }

    public string Name { get; }

    /// <summary>The complete trials whose checkpoint is still there, best first.</summary>
    public IReadOnlyList<TrialRecord> Ranked { get; }

    /// <summary>The sweep's output folder, when the best trial's checkpoint is kept in it.</summary>
    public string? SweepDirectory { get; }

    /// <summary>Where the fused artifacts go.</summary>
    public string Folder { get; }

    public static async Task<FusedStudy> ReadAsync<TSweepHp>(
        IStudyStorage storage, SweepDefinition<TSweepHp> definition, SweepData data, StudyFusionOptions options, int minimum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var name = options.Study ?? definition.Name;
        var studies = await storage.GetStudiesAsync(cancellationToken);
        var summary = studies.FirstOrDefault(s => s.Name == name)
            ?? throw new FusionException($"{storage.Location} has no study '{name}'" +
                                         (studies.Count == 0 ? "." : $"; it holds {string.Join(", ", studies.Select(s => $"'{s.Name}'"))}."));
        var trials = await storage.GetTrialsAsync(name, cancellationToken);
        var ranked = SweepText.Ranked(trials, summary.Direction)
            .Where(t => t.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path))
            .ToList();
        if (ranked.Count < minimum)
            throw new FusionException(
                $"study '{name}' has {ranked.Count} complete trial(s) with a kept checkpoint, but fusing needs at least {minimum}; " +
                "run the sweep with --keep-checkpoints <n> or --keep-checkpoints all to keep more.");
        var sweepDirectory = SweepFolder(CheckpointOf(ranked[0]));
        var folder = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(sweepDirectory ?? Path.Combine("runs", name), "fusion"));
        return new FusedStudy(storage, name, data, options, ranked, folder, sweepDirectory);
    }

    /// <summary>The top trials' models, loaded from their checkpoints.</summary>
    public List<FusedMember<TModel>> LoadTop<TModel, TModelHp>()
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
    {
        var members = new List<FusedMember<TModel>>();
        try
        {
            foreach (var trial in Ranked.Take(options.Top))
                members.Add(new FusedMember<TModel>($"trial {trial.Number}", [trial.Number],
                    Checkpoint.Load<TModel, TModelHp>(CheckpointOf(trial), options.Device)));
            return members;
        }
        catch
        {
            foreach (var member in members) member.Model.Dispose();
            throw;
        }
    }

    /// <summary>The best trial and its fine-tuned variants (trained now, or found finished), loaded.</summary>
    public List<FusedMember<TModel>> FineTune<TModel, TModelHp, TSweepHp>(SweepDefinition<TSweepHp> definition, CancellationToken cancellationToken)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
        where TSweepHp : IHyperparameters<TSweepHp>
    {
        var best = Ranked[0];
        var checkpoint = CheckpointOf(best);
        var seed = best.Attributes.TryGetValue(SweepAttributeKeys.Seed, out var text) && int.TryParse(text, out var s) ? s : 0;
        var sweepHp = TSweepHp.FromValues(BestTrialJson.Only(best.Parameters, TSweepHp.SearchSpace));
        var trialOptions = definition.Configure(
            (options.Training ?? new TrainingOptions()) with { Epochs = options.FineTuneEpochs, Seed = seed, Device = options.Device }, sweepHp);
        var variants = FineTuningRecipe.Run<TModel, TModelHp>(checkpoint, trialOptions, data.Train, data.Validation,
            Path.Combine(Folder, "fine-tune"),
            new FineTuneOptions { Variants = options.FineTune, Epochs = options.FineTuneEpochs, Seed = options.Seed, Progress = options.Progress },
            cancellationToken);

        var members = new List<FusedMember<TModel>>();
        try
        {
            members.Add(new FusedMember<TModel>($"trial {best.Number}", [best.Number], Checkpoint.Load<TModel, TModelHp>(checkpoint, options.Device)));
            foreach (var variant in variants)
                members.Add(new FusedMember<TModel>($"fine-tuned {variant.Index}", [best.Number], Checkpoint.Load<TModel, TModelHp>(variant.Path, options.Device))
                {
                    FineTuned = true,
                });
            return members;
        }
        catch
        {
            foreach (var member in members) member.Model.Dispose();
            throw;
        }
    }

    /// <summary>Each member's validation and test accuracy, each measured once.</summary>
    public List<FusionScore> ScoreMembers<TModel>(IReadOnlyList<FusedMember<TModel>> members, CancellationToken cancellationToken) where TModel : nn.Module
    {
        var scores = new List<FusionScore>();
        using var step = options.Progress.Begin($"evaluating {members.Count} models", members.Count);
        foreach (var member in members)
        {
            var score = Score(member.Name, member.Trials, member.Model, null, 1, cancellationToken) with { FineTuned = member.FineTuned };
            step.Advance($"{member.Name}: validation accuracy {SweepText.Value(score.ValidationAccuracy)}");
            scores.Add(score);
        }
        return scores;
    }

    /// <summary>A model's row: validation accuracy (measured unless <paramref name="validation"/> is known) and test accuracy.</summary>
    public FusionScore Score(string name, IReadOnlyList<int> trials, nn.Module model, double? validation, double cost, CancellationToken cancellationToken)
    {
        var validationAccuracy = validation ?? Evaluate(model, data.Validation, cancellationToken).Accuracy;
        var test = data.Test is null ? (double?)null : Evaluate(model, data.Test, cancellationToken).Accuracy;
        return new FusionScore(name, trials, validationAccuracy, test, cost);
    }

    public Evaluation Evaluate(nn.Module model, TensorDataset dataset, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        return evaluator.Evaluate(ModelAdapter.FromAny(model), dataset, cancellationToken);
    }

    /// <summary>Builds the record and, unless turned off, stores it as the study attribute <c>fusion:&lt;method&gt;</c>.</summary>
    public async Task<FusionRecord> RecordAsync(
        string method, IReadOnlyList<FusionScore> members, FusionScore fusion, string artifact, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        var record = new FusionRecord(method, members, fusion, artifact) { CreatedAt = DateTimeOffset.UtcNow, Notes = notes };
        if (options.Record)
            await storage.SetStudyAttributeAsync(Name, FusionRecord.Key(method), record.ToJson(), cancellationToken);
        return record;
    }

    private static string CheckpointOf(TrialRecord trial) => trial.Attributes[SweepAttributeKeys.Checkpoint];

    /// <summary>The sweep's output folder when the checkpoint sits where the sweep keeps trials' checkpoints (&lt;folder&gt;/trials/&lt;n&gt;/model.pt).</summary>
    private static string? SweepFolder(string checkpoint)
    {
        var trialFolder = Path.GetDirectoryName(Path.GetFullPath(checkpoint));
        var trials = trialFolder is null ? null : Path.GetDirectoryName(trialFolder);
        return trials is not null && Path.GetFileName(trials) == "trials" ? Path.GetDirectoryName(trials) : null;
    }
}

/// <summary>A model being fused: its row's name, the trials it comes from, and the loaded model.</summary>
internal sealed record FusedMember<TModel>(string Name, IReadOnlyList<int> Trials, TModel Model) where TModel : nn.Module
{
    /// <summary>Whether the model is a fine-tuned variant rather than a trial's own.</summary>
    public bool FineTuned { get; init; }
}
