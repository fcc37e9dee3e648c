using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>
/// Stochastic weight averaging for one run (torch.optim.swa_utils' AveragedModel and SWALR): the equal-weight running
/// average of the parameters after each epoch from the start epoch, and the learning rate that anneals to the SWA rate.
/// </summary>
internal sealed class SwaAveraging : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] averages;
    private readonly long startStep;
    private readonly long annealSteps;
    private readonly double startRate;
    private readonly double swaRate;
    private readonly SwaAnnealing annealing;

    private SwaAveraging(TrainingOptions options, nn.Module module, int batchesPerEpoch, long totalSteps)
    {
        StartEpoch = options.EffectiveSwaStartEpoch;
        startStep = (long)(StartEpoch - 1) * batchesPerEpoch;
        annealSteps = (long)options.SwaAnnealEpochs * batchesPerEpoch;
        // The rate annealed from is the schedule's at the start step: a pure function of the step, so resuming keeps it.
        startRate = options.LearningRate * options.Schedule.Factor(startStep, totalSteps, batchesPerEpoch);
        swaRate = options.EffectiveSwaLearningRate;
        annealing = options.SwaAnnealStrategy;
        parameters = module.parameters().ToArray();
        averages = new Tensor[parameters.Length];
    }

    /// <summary>The first epoch whose weights enter the average.</summary>
    public int StartEpoch { get; }

    /// <summary>How many epochs' weights the average holds.</summary>
    public int Count { get; private set; }

    /// <summary>The averaging of this run, or null when <see cref="TrainingOptions.Swa"/> is off.</summary>
    public static SwaAveraging? For(TrainingOptions options, nn.Module module, int batchesPerEpoch, long totalSteps) =>
        options.Swa ? new SwaAveraging(options, module, batchesPerEpoch, totalSteps) : null;

    /// <summary>The learning rate at a 0-based optimizer step: the schedule's before the start, then annealed to the SWA rate and held.</summary>
    public double LearningRate(long step, double scheduled)
    {
        if (step < startStep) return scheduled;
        var progress = annealSteps == 0 ? 1 : Math.Min(1, (step - startStep + 1) / (double)annealSteps);
        var alpha = annealing == SwaAnnealing.Linear ? progress : (1 - Math.Cos(Math.PI * progress)) / 2;
        return startRate * (1 - alpha) + swaRate * alpha;
    }

    /// <summary>Adds the module's current parameters to the running average with weight 1 / (count + 1).</summary>
    public void Update()
    {
        using var noGrad = no_grad();
        var weight = 1.0 / (Count + 1);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (averages[i] is null)
                averages[i] = parameters[i].detach().clone().DetachFromDisposeScope();
            else
                averages[i].mul_(1 - weight).add_(parameters[i], alpha: weight);
        }
        Count++;
    }

    /// <summary>Copies the average into the module's parameters; buffers are left for the BatchNorm pass.</summary>
    public void LoadIntoModel()
    {
        if (Count == 0) return;
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Length; i++) parameters[i].copy_(averages[i]);
    }

    public void Dispose()
    {
        foreach (var average in averages) average?.Dispose();
    }
}
