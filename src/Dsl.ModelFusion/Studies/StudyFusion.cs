using System.Globalization;
using Dsl.Checkpoints;
using Dsl.ModelFusion.Ensembles;
using Dsl.ModelFusion.Progress;
using Dsl.ModelFusion.Soups;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Studies;

/// <summary>
/// Fuses a study's best trials from their kept checkpoints: <see cref="EnsembleAsync"/> and <see cref="SoupAsync"/>. The
/// one place the command line's <c>ensemble</c> and <c>soup</c> and the generated drivers' typed methods go through.
/// </summary>
/// <remarks>
/// Every model is evaluated once on the validation data and, when there is one, the test set. The fused model is saved
/// under the fusion folder (see <see cref="StudyFusionOptions.OutputDirectory"/>), and the result is recorded as the
/// study attribute <c>fusion:&lt;method&gt;</c> (a <see cref="FusionRecord"/>), which the report shows.
/// </remarks>
public static class StudyFusion
{
    /// <summary>Fuses the study's top trials into a prediction ensemble, saved as the folder <c>ensemble-&lt;method&gt;</c>.</summary>
    /// <exception cref="FusionException">The study is missing, has fewer than 2 kept checkpoints, or its models cannot be fused.</exception>
    public static async Task<StudyFusionResult<IEnsemble>> EnsembleAsync<TModel, TModelHp, TSweepHp>(
        IStudyStorage storage, SweepDefinition<TSweepHp> definition, SweepData data, EnsembleMethod method,
        StudyFusionOptions? options = null, CancellationToken cancellationToken = default)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
        where TSweepHp : IHyperparameters<TSweepHp>
    {
        options ??= new StudyFusionOptions();
        var study = await FusedStudy.ReadAsync(storage, definition, data, options, minimum: 2, cancellationToken);
        var members = study.LoadTop<TModel, TModelHp>();
        IEnsemble? ensemble = null;
        try
        {
            var scores = study.ScoreMembers(members, cancellationToken);
            var name = method.ToString().ToLowerInvariant();
            using (var step = options.Progress.Begin($"fitting the {name} ensemble of {members.Count} models", 1))
            {
                ensemble = method switch
                {
                    EnsembleMethod.Uniform => Ensemble.Uniform(members.Select(m => (nn.Module)m.Model).ToList()),
                    EnsembleMethod.Weighted => Ensemble.FitWeighted(members.Select(m => (nn.Module)m.Model).ToList(), data.Validation),
                    _ => Ensemble.FitStacking(members.Select(m => (nn.Module)m.Model).ToList(), data.Validation, seed: options.Seed),
                };
                step.Advance();
            }
            // Weighted and stacking ensembles are fitted on the validation data, so their score there is in sample;
            // stacking's cross-fitted accuracy is the out-of-fold one, and the one the table shows when there is one.
            var crossFitted = ensemble.Validation is { CrossFitted: true } fitted ? fitted : null;
            var inSample = method != EnsembleMethod.Uniform && crossFitted is null;
            var fused = study.Score($"ensemble ({name})", members.SelectMany(m => m.Trials).ToList(), ensemble.Module,
                crossFitted?.Accuracy, members.Count, cancellationToken) with { ValidationInSample = inSample };

            var notes = new List<string>();
            if (crossFitted is not null)
                notes.Add($"the ensemble's validation accuracy is cross-fitted: {SweepText.Value(crossFitted.Accuracy)} ({crossFitted.Folds} folds; " +
                          "each prediction from a meta-learner that did not see that sample)");
            if (inSample && data.Test is null)
                notes.Add("no test set: the ensemble's validation accuracy was measured on the validation data its weights were fitted on, so it is optimistic");
            notes.Add("member weights: " + string.Join(", ", members.Select((m, i) =>
                $"{m.Name} {ensemble.Weights[i].ToString("0.###", CultureInfo.InvariantCulture)}")));
            var path = Path.Combine(study.Folder, $"ensemble-{name}");
            ensemble.Save(path);
            notes.Add($"ensemble: {path}");
            var record = await study.RecordAsync($"ensemble-{name}", scores, fused, path, notes, cancellationToken);
            return new StudyFusionResult<IEnsemble>(ensemble, record, null, study.SweepDirectory);
        }
        catch
        {
            // Before the ensemble exists the members are the fusion's; after, the ensemble owns them.
            if (ensemble is null) Dispose(members);
            else ensemble.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Greedy-soups the study's top trials, or with <see cref="StudyFusionOptions.FineTune"/> &gt; 0 the best trial and its
    /// fine-tuned variants (saved as <c>fine-tune/&lt;i&gt;/model.pt</c>, reused by a rerun); BatchNorm statistics are
    /// recomputed on the training data (see <see cref="StudyFusionOptions.BatchNormSamples"/>). Saved as <c>soup.pt</c> or <c>fine-tuned-soup.pt</c>.
    /// </summary>
    /// <exception cref="FusionException">The study is missing, has too few kept checkpoints, or the models' architectures differ.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while fine-tuning; finished variants stay saved.</exception>
    public static async Task<StudyFusionResult<TModel>> SoupAsync<TModel, TModelHp, TSweepHp>(
        IStudyStorage storage, SweepDefinition<TSweepHp> definition, SweepData data,
        StudyFusionOptions? options = null, CancellationToken cancellationToken = default)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
        where TSweepHp : IHyperparameters<TSweepHp>
    {
        options ??= new StudyFusionOptions();
        var fineTune = options.FineTune > 0;
        var study = await FusedStudy.ReadAsync(storage, definition, data, options, minimum: fineTune ? 1 : 2, cancellationToken);
        var members = fineTune ? study.FineTune<TModel, TModelHp, TSweepHp>(definition, cancellationToken) : study.LoadTop<TModel, TModelHp>();
        TensorDataset? batchNormSubset = null;
        try
        {
            batchNormSubset = BatchNormSubset(data.Train, options);
            var scores = study.ScoreMembers(members, cancellationToken);
            var validation = new Dictionary<nn.Module, double>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < members.Count; i++) validation[members[i].Model] = scores[i].ValidationAccuracy;

            TModel soup;
            SoupReport report;
            using (var step = options.Progress.Begin($"greedy soup of {members.Count} models", members.Count))
            {
                // Members were scored above; only the candidate soups are evaluated here, each once.
                soup = Soup.Greedy(members.Select(m => m.Model).ToList(), model =>
                {
                    if (validation.TryGetValue(model, out var known)) return known;
                    var accuracy = study.Evaluate(model, data.Validation, cancellationToken).Accuracy;
                    step.Advance($"candidate validation accuracy {SweepText.Value(accuracy)}");
                    return accuracy;
                }, out report, new SoupOptions { BatchNormData = batchNormSubset ?? data.Train });
            }
            try
            {
                var kept = report.Kept.Select(k => members[k]).ToList();
                var fused = study.Score(fineTune ? "fine-tuned soup" : "greedy soup", kept.SelectMany(m => m.Trials).Distinct().ToList(),
                    soup, report.Accuracy, 1, cancellationToken) with { ValidationInSample = true };
                var notes = report.Steps.Select(s =>
                    $"soup step: {members[s.Member].Name} (validation accuracy {SweepText.Value(s.MemberAccuracy)}): " +
                    $"soup with it {SweepText.Value(s.CandidateAccuracy)}, {(s.Kept ? "kept" : "left out")}").ToList();
                // The greedy steps keep what scores best on the validation data, so the soup's score there is in sample.
                if (data.Test is null)
                    notes.Add("no test set: the soup's validation accuracy was measured on the validation data its ingredients were chosen by, so it is optimistic");
                var method = fineTune ? "fine-tuned-soup" : "soup";
                var path = Path.Combine(study.Folder, method + ".pt");
                Directory.CreateDirectory(study.Folder);
                Checkpoint.Save<TModel, TModelHp>(soup, path, new CheckpointInfo
                {
                    Metrics = new Dictionary<string, double> { ["validation_accuracy"] = report.Accuracy },
                    Normalization = data.Normalization,
                });
                notes.Add($"soup: {path}");
                var record = await study.RecordAsync(method, scores, fused, path, notes, cancellationToken);
                return new StudyFusionResult<TModel>(soup, record, report, study.SweepDirectory);
            }
            catch
            {
                soup.Dispose();
                throw;
            }
        }
        finally
        {
            batchNormSubset?.Dispose();
            Dispose(members);
        }
    }

    /// <summary>A seeded random subset of the training data for the BatchNorm passes, or null when all of it is to be used.</summary>
    private static TensorDataset? BatchNormSubset(TensorDataset train, StudyFusionOptions options)
    {
        if (options.BatchNormSamples is not { } samples || samples >= train.Count) return null;
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, (int)train.Count).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        return train.Subset([.. order.Take(samples).Order()]);
    }

    private static void Dispose<TModel>(IReadOnlyList<FusedMember<TModel>> members) where TModel : nn.Module
    {
        foreach (var member in members) member.Model.Dispose();
    }
}
