using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

// One class per arity, because a TorchSharp module's inputs are its base type's type arguments and the trainer
// dispatches on them; each is a thin shell over the shared EnsembleCore.

/// <summary>An ensemble of single-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel : nn.Module<Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel(EnsembleCore core) : base(nameof(EnsembleModel))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => core.Forward([x]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An ensemble of 2-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel2 : nn.Module<Tensor, Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel2(EnsembleCore core) : base(nameof(EnsembleModel2))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor a, Tensor b) => core.Forward([a, b]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An ensemble of 3-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel3 : nn.Module<Tensor, Tensor, Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel3(EnsembleCore core) : base(nameof(EnsembleModel3))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor a, Tensor b, Tensor c) => core.Forward([a, b, c]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An ensemble of 4-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel4 : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel4(EnsembleCore core) : base(nameof(EnsembleModel4))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor a, Tensor b, Tensor c, Tensor d) => core.Forward([a, b, c, d]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An ensemble of 5-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel5 : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel5(EnsembleCore core) : base(nameof(EnsembleModel5))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e) => core.Forward([a, b, c, d, e]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>An ensemble of 6-input classifiers; <c>forward</c> gives the fused log-probabilities.</summary>
public sealed class EnsembleModel6 : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>, IEnsemble
{
    private readonly EnsembleCore core;

    internal EnsembleModel6(EnsembleCore core) : base(nameof(EnsembleModel6))
    {
        this.core = core;
        register_module("ensemble", core);
    }

    /// <inheritdoc/>
    public EnsembleMethod Method => core.Method;

    /// <inheritdoc/>
    public IReadOnlyList<nn.Module> Members => core.Members;

    /// <inheritdoc/>
    public IReadOnlyList<double> Weights => core.Combination.Shares;

    /// <inheritdoc/>
    public int InputCount => core.InputCount;

    /// <inheritdoc/>
    public EnsembleValidation? Validation => core.Validation;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public override Tensor forward(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f) => core.Forward([a, b, c, d, e, f]);

    /// <inheritdoc/>
    public Tensor Forward(params Tensor[] inputs) => core.Forward(inputs);

    /// <inheritdoc/>
    public void Save(string path) => EnsembleStore.Save(core, path);

    /// <summary>Disposes the members with the ensemble.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            core.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
