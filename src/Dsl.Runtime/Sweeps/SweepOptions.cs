using Dsl.Search;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Studies;
using Dsl.Studies.Artifacts;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Sweeps;

/// <summary>How a sweep runs: how many trials, which sampler and pruner, where the study lives and where results go.</summary>
/// <remarks>
/// <para>
/// <see cref="Trials"/> is the size the study should reach, not how many trials this call adds: trials that are complete,
/// pruned, failed or running all count, so rerunning an interrupted sweep with the same options continues up to the same
/// total. A failed trial that was retried does not count; its retry stands in for it.
/// </para>
/// <para>
/// The defaults give a reproducible sequential sweep: TPE seeded with <see cref="Seed"/>, no pruning, an in-memory study,
/// and live progress on a terminal (plain lines when output is redirected or CI is set).
/// </para>
/// </remarks>
public sealed record SweepOptions
{
    /// <summary>How many trials the study should hold when the sweep ends (complete, pruned, failed or still running).</summary>
    public int Trials { get; init; } = 20;

    /// <summary>A time budget: no trial starts after it is spent, while running trials are allowed to finish; null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Seeds the default sampler and every trial's weights, shuffles and dropout.</summary>
    public int Seed { get; init; }

    /// <summary>The sampler; null means TPE seeded with <see cref="Seed"/> (with the constant liar when <see cref="Jobs"/> &gt; 1).</summary>
    public ISampler? Sampler { get; init; }

    /// <summary>Stops unpromising trials after an epoch; null never prunes.</summary>
    public IPruner? Pruner { get; init; }

    /// <summary>Where the study lives; null keeps it in memory for this call. The caller owns and disposes a store it passes.</summary>
    public IStudyStorage? Storage { get; init; }

    /// <summary>The study's name in <see cref="Storage"/>; null uses the sweep definition's name.</summary>
    public string? Study { get; init; }

    /// <summary>Trials trained in parallel in this process, each on its own thread with its share of the CPU threads.</summary>
    /// <remarks>More than one job makes a sweep faster but not bit-reproducible: TorchSharp's random generator is process-wide.</remarks>
    public int Jobs { get; init; } = 1;

    /// <summary>The most epochs a trial trains (for a sweep of user code, the most steps it reports); null uses the sweep definition's. A swept Epochs hyperparameter overrides both.</summary>
    public int? Epochs { get; init; }

    /// <summary>Assignments to train first (warm start from known-good configurations), each enqueued once per study.</summary>
    /// <remarks>
    /// Missing parameters take their defaults. Rerunning with the same list does not add them again: an assignment that
    /// a trial of the study already has is skipped. Build one from typed records with <see cref="Assignment"/>.
    /// </remarks>
    public IReadOnlyList<IReadOnlyDictionary<string, object>> Enqueue { get; init; } = [];

    /// <summary>How many times a trial interrupted by a crash (<c>kill -9</c>) or by cancellation is retried with the same parameters.</summary>
    /// <remarks>Trials that throw or diverge are not retried: the same parameters would fail the same way.</remarks>
    public int MaxRetries { get; init; } = 1;

    /// <summary>Decides which running trials are dead when the sweep starts; null means the default policy with <see cref="MaxRetries"/>.</summary>
    public StaleTrialPolicy? StaleTrials { get; init; }

    /// <summary>This process's worker id in the store's claims and heartbeats; null makes one from the host, process id and a random suffix.</summary>
    /// <remarks>With <see cref="Jobs"/> &gt; 1 each job appends <c>-j1</c>, <c>-j2</c>…; ids must differ between processes.</remarks>
    public string? WorkerId { get; init; }

    /// <summary>How often workers tell the store they are alive; keep it well below the stale policy's heartbeat timeout.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where the trials' checkpoints (<c>trials/&lt;number&gt;/model.pt</c>), a copy of the best one (<c>best.pt</c>), the
    /// best hyperparameters (<c>best.json</c>) and the report go; null means <c>runs/&lt;study&gt;</c>.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Where each trial's checkpoint is kept; null means a folder store in <see cref="OutputDirectory"/>'s <c>trials</c> folder.</summary>
    public IArtifactStore? Artifacts { get; init; }

    /// <summary>
    /// How many complete trials keep their checkpoints, the best by the metric first; the best trial always keeps its own,
    /// so 0 keeps only the best's. Null keeps every complete trial's. Checkpoints that fall out are deleted as the sweep
    /// goes, and the trial's <c>checkpoint</c> attribute with them.
    /// </summary>
    public int? KeepCheckpoints { get; init; } = 5;

    /// <summary>Keep the checkpoints of pruned trials too (the weights they stopped with); off by default, since fusion and reports use complete trials.</summary>
    public bool KeepPrunedCheckpoints { get; init; }

    /// <summary>Shows the sweep as it runs; <see cref="SweepProgress.Console"/> by default, <see cref="SweepProgress.None"/> for silence.</summary>
    public ISweepObserver Progress { get; init; } = SweepProgress.Console();

    /// <summary>
    /// More observers of the sweep, called after <see cref="Progress"/>: the plotted report (<c>SweepReport.Observer()</c>
    /// in Dsl.Reporting), a dashboard, your own logging. An observer that throws is logged and ignored.
    /// </summary>
    public IReadOnlyList<ISweepObserver> Observers { get; init; } = [];

    /// <summary>
    /// The training settings every trial starts from, such as a learning-rate schedule, the loss or label smoothing; null
    /// means <see cref="TrainingOptions"/>' defaults. The sweep's hyperparameters, <see cref="Epochs"/>, the trial's seed
    /// and <see cref="Device"/> are set on top of it.
    /// </summary>
    public TrainingOptions? Training { get; init; }

    /// <summary>Where trials train; null means the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Merges typed hyperparameter records (a model's and a sweep's) into one assignment for <see cref="Enqueue"/>.</summary>
    public static IReadOnlyDictionary<string, object> Assignment(params IEnumerable<IHyperparameters> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part);
            foreach (var (name, value) in part.ToValues())
                if (!values.TryAdd(name, value))
                    throw new ArgumentException($"Two records both set '{name}'; a model's and its sweep's parameters must have distinct names.", nameof(parts));
        }
        return values;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Trials < 1) throw new ArgumentException($"Trials must be at least 1, but is {Trials}.", nameof(Trials));
        if (Jobs < 1) throw new ArgumentException($"Jobs must be at least 1, but is {Jobs}.", nameof(Jobs));
        if (Epochs is < 1) throw new ArgumentException($"Epochs must be at least 1, but is {Epochs}.", nameof(Epochs));
        if (MaxRetries < 0) throw new ArgumentException($"MaxRetries cannot be negative, but is {MaxRetries}.", nameof(MaxRetries));
        if (Training?.CheckpointPath is not null)
            throw new ArgumentException(
                $"Training.CheckpointPath must be null in a sweep, but is '{Training.CheckpointPath}': the sweep keeps each trial's checkpoint in OutputDirectory (see KeepCheckpoints).",
                nameof(Training));
        if (Timeout is { } timeout && timeout <= TimeSpan.Zero)
            throw new ArgumentException($"Timeout must be positive, but is {timeout}; use null for no time budget.", nameof(Timeout));
        if (HeartbeatInterval <= TimeSpan.Zero)
            throw new ArgumentException($"HeartbeatInterval must be positive, but is {HeartbeatInterval}.", nameof(HeartbeatInterval));
        if ((StaleTrials ?? StaleTrialPolicy.Default).HeartbeatTimeout is { } stale && stale <= HeartbeatInterval)
            throw new ArgumentException(
                $"HeartbeatInterval ({HeartbeatInterval}) must be shorter than the stale policy's HeartbeatTimeout ({stale}), or live trials would be recovered as dead.",
                nameof(HeartbeatInterval));
        if (Study is not null && (string.IsNullOrWhiteSpace(Study) || Study != Study.Trim()))
            throw new ArgumentException($"Study name '{Study}' is empty or has leading or trailing spaces.", nameof(Study));
        if (WorkerId is not null && (string.IsNullOrWhiteSpace(WorkerId) || WorkerId != WorkerId.Trim()))
            throw new ArgumentException($"WorkerId '{WorkerId}' is empty or has leading or trailing spaces; use null for a generated one.", nameof(WorkerId));
        if (KeepCheckpoints is < 0)
            throw new ArgumentException($"KeepCheckpoints cannot be negative, but is {KeepCheckpoints}; use 0 to keep only the best trial's, null to keep all.", nameof(KeepCheckpoints));
        if (OutputDirectory is { Length: 0 }) throw new ArgumentException("OutputDirectory must not be empty; use null for runs/<study>.", nameof(OutputDirectory));
        if (Enqueue is null) throw new ArgumentException("Enqueue must not be null; use an empty list.", nameof(Enqueue));
        if (Progress is null) throw new ArgumentException("Progress must not be null; use SweepProgress.None for silence.", nameof(Progress));
    }
}
