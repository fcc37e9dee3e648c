using Dsl.ModelFusion;
using Dsl.ModelFusion.Soups;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.ModelFusion.SoupsTestKit;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.ModelFusion;

[Collection(TorchTrainingCollection.Name)]
public sealed class SoupsTests
{
    [Fact]
    public void Uniform_soup_of_identical_models_is_the_model_bit_for_bit()
    {
        using var a = Trainer.CreateModel<TinyBatchNormNet, TinyBatchNormNet.Hyperparameters>(new() { Hidden = 6 }, seed: 4);
        using (no_grad())
        {
            // Non-default running statistics and counter, so the soup must carry them rather than a fresh layer's.
            foreach (var (key, value) in a.state_dict())
                if (value.is_floating_point()) value.add_(0.37f);
                else value.fill_(7);
        }
        using var b = CopyOf(a, () => TinyBatchNormNet.Create(new() { Hidden = 6 }));
        using var c = CopyOf(a, () => TinyBatchNormNet.Create(new() { Hidden = 6 }));

        using var soup = Soup.Uniform([a, b, c]);

        Assert.NotSame(a, soup);
        Assert.Equal(6, soup.HyperparameterValues.Hidden);
        AssertSameState(a, soup);
    }

    [Fact]
    public void Greedy_soup_of_identical_models_is_the_model_and_keeps_only_the_first()
    {
        using var train = Synthetic.Blobs(90, seed: 1);
        using var validation = Synthetic.Blobs(60, seed: 2);
        using var a = TrainedBase(train);
        using var b = CopyOf(a, () => new TinyNet());

        using var soup = Soup.Greedy([a, b], validation, out var report);

        AssertSameState(a, soup);
        // An equal accuracy is no strict improvement: the duplicate is tried and left out.
        Assert.Equal([0], report.Kept);
        Assert.Equal(2, report.Steps.Count);
        Assert.False(report.Steps[1].Kept);
        Assert.Equal(report.Steps[0].SoupAccuracy, report.Steps[1].CandidateAccuracy);
    }

    [Fact]
    public void Greedy_soup_keeps_a_member_only_when_validation_accuracy_strictly_improves()
    {
        using var train = Synthetic.Blobs(120, seed: 1, spread: 1.2);
        using var validation = Synthetic.Blobs(90, seed: 2, spread: 1.2);
        using var baseModel = TrainedBase(train);
        var members = new List<TinyNet>();
        try
        {
            // Fine-tuned variants of one trained model, as soups need, and one member wrecked by noise.
            for (var seed = 0; seed < 3; seed++)
            {
                var member = CopyOf(baseModel, () => new TinyNet(), noise: 0.05, seed: 10 + seed);
                new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.01 * (seed + 1), Seed = seed }).Fit(member, train);
                members.Add(member);
            }
            members.Add(CopyOf(baseModel, () => new TinyNet(), noise: 3, seed: 99));
            var evaluator = new Trainer();

            using var soup = Soup.Greedy(members, validation, out var report, new SoupOptions { Evaluator = evaluator });

            Assert.Equal(members.Count, report.Steps.Count);
            Assert.Equal(members.Select(m => evaluator.Evaluate(m, validation).Accuracy), report.MemberAccuracies);
            // Tried best member first.
            Assert.Equal(report.MemberAccuracies.Max(), report.Steps[0].MemberAccuracy);
            var accuracy = report.Steps[0].SoupAccuracy;
            foreach (var step in report.Steps.Skip(1))
            {
                Assert.Equal(step.CandidateAccuracy > accuracy, step.Kept);
                Assert.Equal(step.Kept ? step.CandidateAccuracy : accuracy, step.SoupAccuracy);
                accuracy = step.SoupAccuracy;
            }
            var keptAccuracies = report.Steps.Where(s => s.Kept).Select(s => s.SoupAccuracy).ToList();
            Assert.True(keptAccuracies.Zip(keptAccuracies.Skip(1)).All(p => p.Second > p.First), string.Join(", ", keptAccuracies));
            Assert.DoesNotContain(3, report.Kept);
            // The model returned is the soup that was measured.
            Assert.Equal(report.Accuracy, evaluator.Evaluate(soup, validation).Accuracy);
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    [Fact]
    public void Greedy_soup_adds_members_in_order_of_accuracy_while_the_score_strictly_rises()
    {
        // One-weight models scored by closeness to 1.5, so every step's outcome is known: 1.2 starts, 2.0 pulls the
        // average to 1.6 (kept), 3.5 would push it to 2.23 and -4 to -0.27 (both left out).
        var weights = new[] { 3.5f, 1.2f, -4f, 2.0f };
        var members = weights.Select(Scalar).ToList();
        try
        {
            using var soup = Soup.Greedy(members, m => -Math.Abs(WeightOf(m) - 1.5), out var report,
                new SoupOptions { CreateModel = () => Scalar(0) });

            Assert.Equal([1, 3, 0, 2], report.Steps.Select(s => s.Member));
            Assert.Equal([1, 3], report.Kept);
            Assert.Equal(1.6, WeightOf(soup), 6);
            Assert.Equal(-0.1, report.Accuracy, 6);
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }

        static TorchSharp.Modules.Linear Scalar(float weight)
        {
            var linear = nn.Linear(1, 1, hasBias: false);
            using (no_grad()) linear.weight!.fill_(weight);
            return linear;
        }

        static double WeightOf(TorchSharp.Modules.Linear linear) => linear.weight!.item<float>();
    }

    [Fact]
    public void Different_widths_name_the_model_the_entry_and_both_shapes()
    {
        using var narrow = new TinyNet(new TinyNet.Hyperparameters { Hidden = 8 });
        using var wide = new TinyNet(new TinyNet.Hyperparameters { Hidden = 16 });
        var key = narrow.state_dict().Keys.First();

        var error = Assert.Throws<FusionException>(() => Soup.Uniform([narrow, narrow, wide]));

        Assert.Equal($"Model 2's state-dict entry '{key}' is shaped [16, 4], but model 0's is [8, 4]; a soup averages models of one architecture.", error.Message);
    }

    [Fact]
    public void Different_layers_name_the_first_missing_or_extra_entry()
    {
        using var plain = new TinyNet();
        using var normed = new TinyBatchNormNet();
        var missing = normed.state_dict().Keys.First(k => !plain.state_dict().ContainsKey(k));
        var extra = normed.state_dict().Keys.First(k => !plain.state_dict().ContainsKey(k));

        var lacks = Assert.Throws<FusionException>(() => Soup.Uniform<nn.Module>([normed, plain]));
        var adds = Assert.Throws<FusionException>(() => Soup.Uniform<nn.Module>([plain, normed]));

        Assert.StartsWith($"Model 1 has no state-dict entry '{missing}', which model 0 has;", lacks.Message);
        Assert.StartsWith($"Model 1 has a state-dict entry '{extra}' that model 0 lacks;", adds.Message);
    }

    [Fact]
    public void Soup_batch_norm_statistics_match_a_recomputation_through_the_averaged_layers()
    {
        using var train = Synthetic.Blobs(64, seed: 5);
        using var a = new HandBatchNormNet();
        using var b = new HandBatchNormNet();

        using var soup = Soup.Uniform([a, b], new SoupOptions
        {
            CreateModel = () => new HandBatchNormNet(),
            BatchNormData = train,
            BatchNormBatchSize = 64,
        });

        using (no_grad())
        {
            // The averaged stem, computed here independently of the soup.
            using var weight = a.Stem.weight!.add(b.Stem.weight!).div(2);
            using var bias = a.Stem.bias!.add(b.Stem.bias!).div(2);
            AssertClose(Values(weight), Values(soup.Stem.weight!), 1e-7);
            var (mean, variance) = StemStatistics(soup, train.Inputs);
            AssertClose(mean, Values(soup.Norm.running_mean!), 1e-5);
            AssertClose(variance, Values(soup.Norm.running_var!), 1e-5);
        }
    }

    [Fact]
    public void Greedy_soup_that_keeps_only_the_best_member_returns_it_with_its_own_batch_norm_statistics_and_reports_its_score()
    {
        using var train = Synthetic.Blobs(64, seed: 5);
        using var a = new HandBatchNormNet();
        using var b = new HandBatchNormNet();
        using (no_grad())
        {
            a.Norm.running_mean!.fill_(5);
            b.Norm.running_mean!.fill_(-5);
        }
        // A score that reads the statistics the recomputation replaces: each member scores its own, the soup the recomputed ones.
        static double Score(HandBatchNormNet model) => model.Norm.running_mean!.sum().item<float>();

        using var soup = Soup.Greedy([a, b], Score, out var report, new SoupOptions
        {
            CreateModel = () => new HandBatchNormNet(),
            BatchNormData = train,
            BatchNormBatchSize = 64,
        });

        Assert.Equal([0], report.Kept);
        Assert.Equal(30, report.Steps[0].MemberAccuracy, 4);
        Assert.Equal(Score(soup), report.Accuracy, 6);
        // One model's statistics are already right for its weights: recomputing them could only move it away from the
        // member the validation chose (the full-data bench lost 0.0003 test accuracy that way).
        Assert.Equal(30, Score(soup), 4);
    }

    [Fact]
    public void Hand_written_modules_need_a_factory()
    {
        using var a = new HandBatchNormNet();

        var error = Assert.Throws<FusionException>(() => Soup.Uniform([a]));

        Assert.Contains("SoupOptions.CreateModel", error.Message);
    }
}
